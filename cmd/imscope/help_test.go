package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// TestCommandHelp: `imscope COMMAND --help` (and -h, and `imscope help
// COMMAND`) prints that command's own usage and flags on stdout and
// succeeds — never the list of every command; `imscope --help` alone
// prints that list. A wrong flag still prints the command's usage, on
// stderr, and fails.
func TestCommandHelp(t *testing.T) {
	flags := map[string]string{ // a flag each command's usage must show
		"serve": "-listen", "collect": "-config", "import": "-strict", "demo": "-database",
		"report": "-period", "migrate": "-libchdb",
	}
	for _, c := range commands() {
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				var out, errOut bytes.Buffer
				err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
				if err != nil {
					t.Fatalf("err %v; stderr %s", err, errOut.String())
				}
				got := out.String()
				if !strings.HasPrefix(got, "Usage: imscope "+c.name) || !strings.Contains(got, c.summary) || strings.Contains(got, "Commands:") {
					t.Errorf("stdout %q: want %s's own usage", got, c.name)
				}
				if f := flags[c.name]; f != "" && !strings.Contains(got, f) {
					t.Errorf("stdout %q lacks the flag %s", got, f)
				}
			})
		}
	}
	t.Run("global", func(t *testing.T) {
		for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
			var out, errOut bytes.Buffer
			if err := run(context.Background(), args, func(string) string { return "" }, &out, &errOut); err != nil || !strings.Contains(out.String(), "Commands:") {
				t.Errorf("%v: err %v, stdout %q", args, err, out.String())
			}
		}
	})
	t.Run("wrong flag", func(t *testing.T) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"version", "--nope"}, func(string) string { return "" }, &out, &errOut)
		if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), "Usage: imscope version") || out.Len() != 0 {
			t.Errorf("err %v, stdout %q, stderr %q", err, out.String(), errOut.String())
		}
	})
}
