// Package configtest checks a source kind's config the same way in each
// kind's tests: the documented examples decode and validate, and a bad
// config is refused with an InvalidError that names the key and keeps the
// password out of its message.
package configtest

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/imscope/imscope"
)

// Examples decodes every YAML document of the file at path (a kind's
// documented examples, testdata/example.yaml) into a config, and fails the
// test unless each validates.
func Examples[C any, P interface {
	*C
	Validate() error
}](t testing.TB, path string) []C {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var got []C
	for {
		var c C
		if err := dec.Decode(&c); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if err := P(&c).Validate(); err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		got = append(got, c)
	}
	return got
}

// Refused fails the test unless err is an InvalidError for param whose
// message says msg, and does not show the password the tests' bad configs
// carry, hunter2.
func Refused(t testing.TB, err error, param, msg string) {
	t.Helper()
	var ie *imscope.InvalidError
	if !errors.As(err, &ie) || ie.Param != param || !strings.Contains(ie.Message, msg) {
		t.Fatalf("got %v, want an InvalidError for %s saying %q", err, param, msg)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("the error shows the password: %v", err)
	}
}
