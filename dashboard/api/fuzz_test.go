package api

import (
	"errors"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

// FuzzQuery feeds any query string through the API's parsing — the strict
// pair decoder, the shared filter, the bridges parameter. Every failure
// must be an InvalidError naming a parameter (a 400, never a 500), and a
// canonical form must read back as itself. (The pages' folding of form
// lists is FuzzFoldLists, beside it.)
//
//	go test ./dashboard/api -run '^$' -fuzz FuzzQuery -fuzztime 30s
func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		"from=2011-01&to=2012-01&granularity=quarter&networks=qq,msn",
		"from=2011-Q1&to=2012&metric=messages&segment=office",
		"network=qq&network=msn&merge=fetion&merge=msn&bridges=qq-msn,fetion~x-y",
		"bridges=hub%3Dqq", "bridges=complete", "from=%zz", "a;b=c", "from=2012-12-31T12:00:00Z&to=2013-01-01T00:00:00Z",
		"networks=%00", "segment=" + string([]byte{0xff}),
	} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		values, err := ParseQuery(raw)
		if err != nil {
			mustBeInvalid(t, err)
			return
		}
		q := newRequest(values, now)
		if _, err := q.parseShared(); err != nil {
			mustBeInvalid(t, err)
		}
		if s := q.raw(ParamBridges); s != "" {
			if _, canon, err := parseBridges(s); err != nil {
				mustBeInvalid(t, err)
			} else if _, again, err := parseBridges(canon); err != nil || again != canon {
				t.Errorf("bridges %q: canonical %q reads back as %q (%v)", s, canon, again, err)
			}
		}
	})
}

func mustBeInvalid(t *testing.T, err error) {
	t.Helper()
	var ie *imscope.InvalidError
	if !errors.As(err, &ie) || ie.Param == "" {
		t.Errorf("%v is not an InvalidError naming a parameter", err)
	}
}
