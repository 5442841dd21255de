package enginetest

import (
	"context"
	"testing"

	"github.com/imscope/imscope/queries"
)

// Column returns the first column of query's rows as strings: what a test
// reads back to see what was stored ("SELECT DISTINCT network FROM …").
func Column(t testing.TB, e queries.Engine, query string) []string {
	t.Helper()
	rows, err := e.Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
