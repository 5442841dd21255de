package main

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/crypto/bcrypt"
)

// openPTY opens a pseudo-terminal pair: the controller (what a terminal
// emulator holds) and the terminal a program reads.
func openPTY(t *testing.T) (controller, tty *os.File) {
	t.Helper()
	controller, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { controller.Close() })
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, controller.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Fatal(errno)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, controller.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Fatal(errno)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return controller, tty
}

// echoOff reports whether the terminal's echo is off.
func echoOff(t *testing.T, tty *os.File) bool {
	var tio syscall.Termios
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, tty.Fd(), syscall.TCGETS, uintptr(unsafe.Pointer(&tio))); errno != 0 {
		t.Fatal(errno)
	}
	return tio.Lflag&syscall.ECHO == 0
}

// TestHashPasswordTerminal runs the real binary on a pseudo-terminal: it
// asks twice, the password never appears on the terminal, and the hash
// printed verifies; two different answers hash nothing.
func TestHashPasswordTerminal(t *testing.T) {
	bin := buildBinary(t)
	const pass = "correct horse battery staple"
	for _, tc := range []struct {
		name, again string
		ok          bool
	}{{"same twice", pass, true}, {"differ", pass + "!", false}} {
		t.Run(tc.name, func(t *testing.T) {
			controller, tty := openPTY(t)
			cmd := exec.Command(bin, "hash-password")
			var stdout bytes.Buffer
			cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, &stdout, tty
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			screen := &syncBuffer{}
			go func() {
				b := make([]byte, 4096)
				for {
					n, err := controller.Read(b)
					screen.Write(b[:n])
					if err != nil {
						return
					}
				}
			}()
			// Type each answer once the prompt is shown and the echo is off,
			// as a person would.
			for _, step := range []struct{ prompt, answer string }{{"password: ", pass}, {"again: ", tc.again}} {
				deadline := time.Now().Add(20 * time.Second)
				for !strings.Contains(screen.String(), step.prompt) || !echoOff(t, tty) {
					if time.Now().After(deadline) {
						t.Fatalf("no prompt %q with the echo off; the terminal shows %q", step.prompt, screen.String())
					}
					time.Sleep(10 * time.Millisecond)
				}
				if _, err := controller.Write([]byte(step.answer + "\n")); err != nil {
					t.Fatal(err)
				}
			}
			err := cmd.Wait()
			time.Sleep(50 * time.Millisecond) // let the reader drain the screen
			if strings.Contains(screen.String(), "horse") {
				t.Errorf("the password was echoed: the terminal shows %q", screen.String())
			}
			if !tc.ok {
				if err == nil || !strings.Contains(screen.String(), "differ") || stdout.Len() != 0 {
					t.Errorf("different answers: err %v, terminal %q, stdout %q", err, screen.String(), stdout.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("%v; terminal %q", err, screen.String())
			}
			if err := bcrypt.CompareHashAndPassword([]byte(strings.TrimSpace(stdout.String())), []byte(pass)); err != nil {
				t.Errorf("the printed hash does not verify: %v (%q)", err, stdout.String())
			}
		})
	}
}
