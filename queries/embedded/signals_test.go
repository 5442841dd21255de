package embedded_test

import (
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// TestGoKeepsItsSignals: after libchdb connects, the Go runtime still owns
// SIGSEGV (a nil dereference is a recoverable panic, not a dead process) and
// SIGINT reaches signal.Notify.
func TestGoKeepsItsSignals(t *testing.T) {
	e := open(t, "signals")
	defer e.Close()

	recovered := func() (r any) {
		defer func() { r = recover() }()
		var p *int
		return *p
	}()
	if recovered == nil {
		t.Fatal("a nil dereference did not panic")
	}

	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT)
	defer signal.Stop(ch)
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("SIGINT did not reach signal.Notify after libchdb connected")
	}
}
