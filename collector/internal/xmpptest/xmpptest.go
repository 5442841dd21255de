// Package xmpptest is what the tests that run a real XMPP server on
// loopback (ejabberd for the ejabberd source, Prosody for the openmetrics
// one) share: free loopback ports to start the server on, a buffer its
// output is collected in, and a raw XMPP stream that speaks just enough
// XMPP to log a client in (SASL PLAIN, without TLS) and to misbehave.
package xmpptest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// FreePort is a TCP port on 127.0.0.1 that nothing listens on.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Output collects a server's output from the goroutines that copy it
// while the test reads it.
type Output struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// Conn is a raw XMPP stream to a port of 127.0.0.1, closed when the test
// ends. Each read or write must be done within 20 seconds of Dial.
type Conn struct {
	net.Conn
	r *bufio.Reader
}

// Dial connects to port on 127.0.0.1.
func Dial(t testing.TB, port int) *Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	return &Conn{Conn: c, r: bufio.NewReader(c)}
}

// Login opens a client session for user@host on the c2s port, logged in
// with SASL PLAIN (which the server must offer without TLS) and bound to
// resource. The server counts it online until it is closed or the test
// ends; it has no deadline any more.
func Login(t testing.TB, port int, user, host, password, resource string) *Conn {
	t.Helper()
	c := Dial(t, port)
	header := `<?xml version='1.0'?><stream:stream to='` + host + `' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`
	c.Send(t, header)
	c.ReadUntil(t, "</stream:features>")
	creds := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
	c.Send(t, `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>`+creds+`</auth>`)
	if got := c.ReadUntil(t, "/>", "</failure>"); !strings.Contains(got, "<success") {
		t.Fatalf("xmpp login of %s@%s refused: %s", user, host, got)
	}
	c.Send(t, header)
	c.ReadUntil(t, "</stream:features>")
	c.Send(t, `<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>`+resource+`</resource></bind></iq>`)
	if got := c.ReadUntil(t, "</iq>"); !strings.Contains(got, "type='result'") && !strings.Contains(got, `type="result"`) {
		t.Fatalf("xmpp bind of %s@%s/%s: %s", user, host, resource, got)
	}
	_ = c.SetDeadline(time.Time{})
	return c
}

// Send writes s to the stream.
func (c *Conn) Send(t testing.TB, s string) {
	t.Helper()
	if _, err := c.Write([]byte(s)); err != nil {
		t.Fatalf("xmpp write: %v", err)
	}
}

// ReadUntil reads until the stream has produced one of markers, and fails
// the test if it ends first.
func (c *Conn) ReadUntil(t testing.TB, markers ...string) string {
	t.Helper()
	got, err := c.read(markers)
	if err != nil {
		t.Fatalf("xmpp: waiting for %q: %v (got %q)", markers, err, got)
	}
	return got
}

// ReadUntilEnd reads until the stream has produced one of markers, or has
// ended (closed by the server, or past its deadline).
func (c *Conn) ReadUntilEnd(markers ...string) string {
	got, _ := c.read(markers)
	return got
}

func (c *Conn) read(markers []string) (string, error) {
	var got strings.Builder
	buf := make([]byte, 4096)
	for {
		for _, m := range markers {
			if strings.Contains(got.String(), m) {
				return got.String(), nil
			}
		}
		n, err := c.r.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			return got.String(), err
		}
	}
}
