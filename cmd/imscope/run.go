package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// errUsage means the command line was wrong; the usage text has been printed.
var errUsage = errors.New("usage")

// command is one subcommand of imscope.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "start the dashboard and API (the default)", cmdServe},
		{"collect", "run the configured collectors (or the named ones) once", cmdCollect},
		{"import", "load a CSV file: imscope import reports|panel|usage|events FILE", cmdImport},
		{"demo", "load the demo market (simulated) into the database", cmdDemo},
		{"report", "run a configured report now: imscope report run NAME; list them: imscope report list", cmdReport},
		{"migrate", "apply schema migrations and exit", cmdMigrate},
		{"hash-password", "read the admin password from standard input and print its bcrypt hash", cmdHashPassword},
		{"new-token", "print a new admin API token and its SHA-256 for the config", cmdNewToken},
		{"version", "print version information", cmdVersion},
	}
}

// environment is what every command gets: where to write, the environment
// variables and the parsed configuration.
type environment struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	cfg    *Config
	log    *slog.Logger
	args   []string // the command's arguments, after flags are taken out
}

// run is imscope's whole program: main only wires the process to it, so tests
// run it in-process with their own args, environment and outputs.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) == 1 && isHelpFlag(args[0]) {
		// `imscope --help`: every command. `imscope serve --help` is serve's.
		printUsage(stdout)
		return nil
	}
	if name == "help" {
		if len(args) == 0 {
			printUsage(stdout)
			return nil
		}
		name, args = args[0], []string{"--help"} // `imscope help serve`
	}
	for _, c := range commands() {
		if c.name == name {
			err := c.run(ctx, &environment{getenv: getenv, stdout: stdout, stderr: stderr}, args)
			if errors.Is(err, errHelp) {
				return nil
			}
			return err
		}
	}
	fmt.Fprintf(stderr, "imscope: unknown command %q\n\n", name)
	printUsage(stderr)
	return errUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "imscope — IM market analytics and interoperability dashboard")
	fmt.Fprintln(w, "\nUsage: imscope [command] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `imscope COMMAND --help` for a command's flags.")
}

// engineFlags are the flags every command that opens the engine shares.
// Flags override environment variables, which override the config file.
// Their values are read back with FlagSet.Visit, so only flags actually given
// override the configuration.
type engineFlags struct {
	config string
}

func (f *engineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "YAML config file (see imscope.example.yaml)")
	fs.String("data", "", "embedded engine data directory (default ./data; IMSCOPE_DATA)")
	fs.String("libchdb", "", "path to libchdb.so (IMSCOPE_LIBCHDB)")
	fs.String("clickhouse", "", "use a ClickHouse server: clickhouse://user:pass@host:9000/db (IMSCOPE_CLICKHOUSE)")
	fs.String("database", "", "database name (default imscope; IMSCOPE_DATABASE)")
	fs.String("log-level", "", "debug, info, warn or error (IMSCOPE_LOG_LEVEL)")
}

// isHelpFlag reports whether arg asks for help, as the flag package reads it.
func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "--h", "-help", "--help":
		return true
	}
	return false
}

// summary is command name's line in the usage.
func summary(name string) string {
	for _, c := range commands() {
		if c.name == name {
			return c.summary
		}
	}
	return ""
}

// parseFlags parses a command's flags. Its usage — what it does, its
// arguments (positional, like "KIND FILE") and its flags — goes to stdout
// when asked for with -h or --help (errHelp: the command then succeeds),
// and to stderr after a mistake (errUsage).
func (env *environment) parseFlags(name, positional string, fs *flag.FlagSet, args []string) error {
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: %s\n\n%s\n", strings.TrimSpace("imscope "+name+" [flags] "+positional), summary(name))
		has := false
		fs.VisitAll(func(*flag.Flag) { has = true })
		if has {
			fmt.Fprintln(w, "\nFlags:")
			fs.SetOutput(w)
			fs.PrintDefaults()
			fs.SetOutput(env.stderr)
		}
	}
	fs.SetOutput(env.stderr)
	fs.Usage = func() {} // printed below, to the right stream
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(env.stdout)
		return errHelp
	case err != nil: // the flag package has said what was wrong
		fmt.Fprintln(env.stderr)
		usage(env.stderr)
		return errUsage
	}
	return nil
}

// parse parses args for command name, which takes no arguments, and loads
// the configuration.
func (env *environment) parse(name string, fs *flag.FlagSet, f *engineFlags, args []string) error {
	return env.parseArgs(name, "", fs, f, args)
}

// parseArgs is parse for a command that takes arguments, described by
// positional in its usage line ("KIND FILE").
func (env *environment) parseArgs(name, positional string, fs *flag.FlagSet, f *engineFlags, args []string) error {
	// Flags may come before, between or after the arguments
	// (`imscope import usage file.csv --strict`): the flag package stops at
	// the first argument, so parse again after each one.
	var rest []string
	for {
		if err := env.parseFlags(name, positional, fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(rest) > 0 && positional == "" {
		fmt.Fprintf(env.stderr, "imscope %s: unexpected argument %q\n", name, rest[0])
		return errUsage
	}
	env.args = rest
	// Flags that were given override the environment and the file.
	keys := map[string]string{"data": "engine.data", "libchdb": "engine.libchdb", "clickhouse": "engine.clickhouse", "database": "engine.database", "log-level": "log.level", "listen": "listen"}
	var flags []configFlag
	fs.Visit(func(fl *flag.Flag) {
		if key, ok := keys[fl.Name]; ok {
			flags = append(flags, configFlag{Key: key, Name: "--" + fl.Name, Value: fl.Value.String()})
		}
	})
	cfg, err := loadConfig(f.config, env.getenv, flags...)
	if err != nil {
		return err
	}
	env.cfg = cfg
	env.log = newLogger(env.stderr, cfg.Log)
	return nil
}

// errHelp means --help was asked for and printed; the command succeeds.
var errHelp = errors.New("help")

func newLogger(w io.Writer, c LogConfig) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
