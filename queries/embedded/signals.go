package embedded

import (
	"syscall"
	"unsafe"
)

// sigaction mirrors the kernel's struct sigaction on linux/amd64 and arm64.
type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// signalSnapshot is the process's signal dispositions at one moment.
type signalSnapshot map[int]sigaction

// saveSignals records the handler of every signal. libchdb, when it connects,
// installs its own handlers (SIGINT, SIGTERM, SIGSEGV, ...) and, when asked not
// to, resets some to SIG_DFL — either way the Go runtime would lose the
// signals it relies on (SIGSEGV for nil checks, SIGURG for preemption,
// SIGINT/SIGTERM for signal.NotifyContext). We restore Go's handlers after.
func saveSignals() signalSnapshot {
	s := signalSnapshot{}
	for sig := 1; sig <= 64; sig++ {
		if sig == int(syscall.SIGKILL) || sig == int(syscall.SIGSTOP) {
			continue
		}
		var old sigaction
		if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&old)), 8, 0, 0); e == 0 {
			s[sig] = old
		}
	}
	return s
}

// restore puts back every recorded handler that changed and reports which.
func (s signalSnapshot) restore() []int {
	var changed []int
	for sig, want := range s {
		var cur sigaction
		if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&cur)), 8, 0, 0); e != 0 {
			continue
		}
		if cur.handler == want.handler && cur.flags == want.flags {
			continue
		}
		w := want
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&w)), 0, 8, 0, 0)
		changed = append(changed, sig)
	}
	return changed
}
