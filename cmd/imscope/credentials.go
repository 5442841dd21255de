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
)

// The admin's credentials live in the configuration as hashes; these
// commands make them, so no one has to reach for another tool.

// bcryptCost is the work factor of password hashes: about 0.25 s per check
// on a 2-core machine, remembered for a minute per session or Basic pair.
const bcryptCost = 12

// cmdHashPassword reads a password from standard input (one line) and
// prints its bcrypt hash for dashboard.admin_password_bcrypt.
func cmdHashPassword(_ context.Context, env *environment, args []string) error {
	if err := env.noArgs("hash-password", "< password.txt   (or type it and press Enter)", args); err != nil {
		return err
	}
	fmt.Fprint(env.stderr, "password: ")
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("cannot read the password: %w", err)
	}
	pass := strings.TrimRight(line, "\r\n")
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
	fmt.Fprintln(env.stderr)
	fmt.Fprintln(env.stdout, string(hash))
	return nil
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
