package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/imscope/imscope/dashboard/guard"
)

// The embedded engine lets one process hold a data directory, so the
// commands that need the data (import, collect, report, demo, migrate)
// cannot open it while `imscope serve` runs. serve therefore listens on a
// Unix socket in the data directory, and those commands become its
// clients (client.go): the server does the work, as Docker's CLI asks
// dockerd. The socket is mode 0600 and admits only peers of the server's
// own user — whoever can connect could open the data directory anyway.

// socketPath is where serve listens for the command line: in the data
// directory, named for the database, since a server serves one database.
func socketPath(cfg *Config) string {
	return filepath.Join(cfg.Engine.Data, cfg.Engine.Database+".sock")
}

// maxSocketPath is the longest path a Unix socket may have (sun_path holds
// 108 bytes on Linux, 104 elsewhere, with the terminating NUL).
const maxSocketPath = 103

// errSocketServed means another server answers on the socket already.
var errSocketServed = errors.New("another imscope serve answers on this data directory's socket")

// listenSocket listens on path, mode 0600. A socket file nobody answers on
// is left from a server that was killed and is replaced; one that answers
// is errSocketServed.
func listenSocket(path string) (net.Listener, error) {
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("the socket path %s is longer than a Unix socket may be (%d bytes); use a shorter --data", path, maxSocketPath)
	}
	if _, err := os.Lstat(path); err == nil {
		if answers(path) {
			return nil, errSocketServed
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("cannot remove the stale socket %s: %w", path, err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("cannot make %s private: %w", path, err)
	}
	return &ownerOnly{Listener: ln, uid: os.Getuid()}, nil
}

// answers reports whether a server accepts connections on the socket.
func answers(path string) bool {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// ownerOnly accepts only peers running as uid (SO_PEERCRED): the file's
// mode already keeps others out; this holds even if it is loosened.
type ownerOnly struct {
	net.Listener
	uid int
}

func (l *ownerOnly) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		uc, ok := c.(*net.UnixConn)
		if ok && peerUID(uc) == l.uid {
			return uc, nil
		}
		c.Close()
	}
}

// peerUID is the user id of the process at the other end, or -1.
func peerUID(c *net.UnixConn) int {
	raw, err := c.SyscallConn()
	if err != nil {
		return -1
	}
	uid := -1
	_ = raw.Control(func(fd uintptr) {
		if cred, err := syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED); err == nil {
			uid = int(cred.Uid)
		}
	})
	return uid
}

// connContext marks connections from the Unix socket as the admin's
// (guard.LocalAdmin); TCP connections are judged by their credentials.
func connContext(ctx context.Context, c net.Conn) context.Context {
	if _, ok := c.(*net.UnixConn); ok {
		return guard.LocalAdmin(ctx)
	}
	return ctx
}
