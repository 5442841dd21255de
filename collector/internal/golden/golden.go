// Package golden holds a test's output to a golden file under testdata/,
// or rewrites the file from the output when the test binary's update flag
// is set. A package's tests define the flag once,
//
//	var update = golden.NewFlag("update", "rewrite the golden files in testdata/ from the current output")
//
// and check each output with update.Check(t, path, got).
package golden

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

// Flag is a boolean flag of the test binary that rewrites golden files.
type Flag struct {
	name string
	set  *bool
}

// NewFlag defines the flag -name on the test binary's command line.
func NewFlag(name, usage string) *Flag {
	return &Flag{name: name, set: flag.Bool(name, false, usage)}
}

// Check compares got with the file at path; with the flag set, it
// rewrites the file from got instead.
func (f *Flag) Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *f.set {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -%s to create it)", err, f.name)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -%s to accept):\n--- got\n%s\n--- want\n%s", path, f.name, got, want)
	}
}
