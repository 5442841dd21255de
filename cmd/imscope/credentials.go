package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/term"
)

// The admin's credentials live in the configuration as hashes; these
// commands make them, so no one has to reach for another tool.

// bcryptCost is the work factor of password hashes: about 0.25 s per check
// on a 2-core machine, remembered for a minute per session or Basic pair.
const bcryptCost = 12

// cmdHashPassword reads a password and prints its bcrypt hash for
// dashboard.admin_password_bcrypt. On a terminal it asks twice, without
// echo; from a pipe or a file (scripts) it reads one line.
func cmdHashPassword(_ context.Context, env *environment, args []string) error {
	if err := env.noArgs("hash-password", "< password.txt   (or type it twice at the prompt; it is not shown)", args); err != nil {
		return err
	}
	pass, err := readPassword(stdin, env.stderr)
	if err != nil {
		return err
	}
	if len(pass) < 12 {
		return errors.New("the password is shorter than 12 characters; choose a longer one")
	}
	if len(pass) > 72 {
		return errors.New("the password is longer than 72 bytes, bcrypt's limit")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pass), bcryptCost)
	if err != nil {
		return fmt.Errorf("cannot hash the password: %w", err)
	}
	fmt.Fprintln(env.stdout, string(hash))
	return nil
}

// readPassword reads the password from in. A terminal is asked twice with
// its echo off (prompts on prompt), so the password never shows on the
// screen or in a recording of it; anything else gives one line.
func readPassword(in io.Reader, prompt io.Writer) (string, error) {
	f, ok := in.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("cannot read the password: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	ask := func(label string) (string, error) {
		fmt.Fprint(prompt, label)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt) // the Enter the terminal did not echo
		if err != nil {
			return "", fmt.Errorf("cannot read the password: %w", err)
		}
		return string(b), nil
	}
	first, err := ask("password: ")
	if err != nil {
		return "", err
	}
	again, err := ask("again: ")
	if err != nil {
		return "", err
	}
	if first != again {
		return "", errors.New("the two passwords differ; nothing was hashed")
	}
	return first, nil
}

// cmdNewToken prints a fresh API token and its SHA-256: the token is for
// the script (Authorization: Bearer), the hash for
// dashboard.admin_token_sha256.
func cmdNewToken(_ context.Context, env *environment, args []string) error {
	if err := env.noArgs("new-token", "", args); err != nil {
		return err
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := "ims_" + hex.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	fmt.Fprintf(env.stdout, "token:  %s\nsha256: %s\n", token, hex.EncodeToString(sum[:]))
	return nil
}

// noArgs parses the command line of a command that takes no flags and no
// arguments, so that it still answers --help.
func (env *environment) noArgs(name, positional string, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	if err := env.parseFlags(name, positional, fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "imscope %s: unexpected argument %q\n", name, fs.Arg(0))
		return errUsage
	}
	return nil
}

// stdin is standard input, replaced by tests.
var stdin io.Reader = os.Stdin
