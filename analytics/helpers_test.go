package analytics

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// near fails unless got is within tol of want.
func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.12g, want %.12g (±%g)", what, got, want, tol)
	}
}

// nearPtr checks an optional value; want nil means it must be absent.
func nearPtr(t *testing.T, what string, got *float64, want *float64, tol float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil:
		t.Errorf("%s = nil, want %.12g", what, *want)
	case want == nil:
		t.Errorf("%s = %.12g, want nil (missing)", what, *got)
	default:
		near(t, what, *got, *want, tol)
	}
}

func f64(v float64) *float64 { return &v }

// wantInvalid fails unless err is (or joins) an *imscope.InvalidError for param.
func wantInvalid(t *testing.T, err error, param string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want an InvalidError for %q", param)
	}
	var found []string
	var walk func(error)
	walk = func(e error) {
		var ie *imscope.InvalidError
		if errors.As(e, &ie) {
			found = append(found, ie.Param)
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	for _, p := range found {
		if p == param {
			return
		}
	}
	t.Fatalf("error %q names %v, want %q", err, found, param)
}
