package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/imscope/imscope/queries/embedded"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func cmdVersion(_ context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := env.parseFlags("version", "", fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "imscope version: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	fmt.Fprintf(env.stdout, "imscope %s (%s, %s/%s)\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintln(env.stdout, "libchdb search order:")
	for _, c := range embedded.Candidates(env.getenv("IMSCOPE_LIBCHDB")) {
		fmt.Fprintf(env.stdout, "  %s\n", c)
	}
	return nil
}
