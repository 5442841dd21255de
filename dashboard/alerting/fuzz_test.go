package alerting

import (
	"errors"
	"testing"

	"github.com/imscope/imscope"
)

// FuzzParseMatcher: any text either is a matcher, whose String reads back
// as the same matcher, or is refused with an InvalidError naming
// "matchers".
//
//	go test ./dashboard/alerting -run '^$' -fuzz FuzzParseMatcher -fuzztime 30s
func FuzzParseMatcher(f *testing.F) {
	for _, s := range []string{`bridge=fetion-msn`, `rule!=x`, `bridge=~"fetion-.*"`, `a!~b|c`, `=x`, `x`, `bridge="unterminated`, `n=~(`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMatcher(s)
		if err != nil {
			var ie *imscope.InvalidError
			if !errors.As(err, &ie) || ie.Param != "matchers" {
				t.Fatalf("%q: %v is not an InvalidError naming matchers", s, err)
			}
			return
		}
		again, err := ParseMatcher(m.String())
		if err != nil || again.Name != m.Name || again.Op != m.Op || again.Value != m.Value {
			t.Errorf("%q → %q reads back as %+v (%v)", s, m.String(), again, err)
		}
	})
}
