package enginetest

import (
	"fmt"
	"os"
	"testing"
)

// RunWithDataDir runs a test binary's tests with *dir set to a fresh
// temporary directory for the embedded engine, and removes it afterwards.
// libchdb allows one data directory per process, so every test of a binary
// shares it and isolates itself by database name instead. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &dataDir)) }
func RunWithDataDir(m *testing.M, dir *string) int {
	d, err := os.MkdirTemp("", "imscope-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot create a data directory:", err)
		return 1
	}
	*dir = d
	defer os.RemoveAll(d)
	return m.Run()
}
