package pages

import (
	"testing"

	"github.com/imscope/imscope/dashboard/api"
)

// FuzzFoldLists feeds any query string the API's pair decoder accepts
// through the pages' folding of form lists (network=qq&network=msn into
// networks=msn,qq): folding a folded query changes nothing. Its seeds are
// FuzzQuery's (package api), in testdata/fuzz/FuzzFoldLists.
//
//	go test ./dashboard/pages -run '^$' -fuzz FuzzFoldLists -fuzztime 30s
func FuzzFoldLists(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		values, err := api.ParseQuery(raw)
		if err != nil {
			return
		}
		foldLists(values)
		folded := values.Encode()
		foldLists(values)
		if values.Encode() != folded {
			t.Errorf("folding %q is not idempotent: %q then %q", raw, folded, values.Encode())
		}
	})
}
