package embedded

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
)

// heldBy names the other process that holds dataDir ("process 7189"), or
// is "" when none does: ClickHouse keeps an exclusive lock on its status
// file ("PID: 7189" …) while it runs, and a second process cannot open the
// directory (libchdb then only prints a line of its own and fails). The
// probe takes the lock and lets it go at once.
func heldBy(dataDir string) string {
	f, err := os.Open(filepath.Join(dataDir, "status"))
	if err != nil {
		return ""
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	}
	if !errors.Is(err, syscall.EWOULDBLOCK) {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(f, 4096))
	if m := statusPID.FindSubmatch(b); m != nil {
		return "process " + string(m[1])
	}
	return "another process"
}

var statusPID = regexp.MustCompile(`(?m)^PID: (\d+)`)
