package queries_test

import (
	"context"
	"strings"
	"testing"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

// lookups is the real engine, counting the full key lookups of panel rows
// (panel_existing.sql) that go through it.
type lookups struct {
	queries.Engine
	n int
}

func (l *lookups) Query(ctx context.Context, query string, params ...queries.Param) (queries.Rows, error) {
	if strings.Contains(query, "whose key (period, user_key, network, segment) is stored") {
		l.n++
	}
	return l.Engine.Query(ctx, query, params...)
}

// TestPanelLookupOnlyWhenSomethingMayBeStored: a batch of panel rows is
// looked up key by key only when a stored row has one of its user keys in
// one of its periods (panel_any_stored.sql); otherwise it is written
// without the lookup — and either way every key lands once and repeats are
// found.
func TestPanelLookupOnlyWhenSomethingMayBeStored(t *testing.T) {
	ctx := context.Background()
	e := &lookups{Engine: enginetest.Migrated(t, dataDir, "store_panel_lookup")}
	s := queries.NewStore(e)
	later := func(rows []imscope.PanelRecord) []imscope.PanelRecord {
		for i := range rows {
			rows[i].Period = quarter.AddDate(0, 3, 0)
		}
		return rows
	}
	otherNetwork := func(rows []imscope.PanelRecord) []imscope.PanelRecord { // one row per user
		var out []imscope.PanelRecord
		for i, r := range rows {
			if i == 0 || r.UserKey != rows[i-1].UserKey {
				r.Network = "wangwang"
				out = append(out, r)
			}
		}
		return out
	}
	steps := []struct {
		name                   string
		batch                  []imscope.PanelRecord
		found                  int
		lookups                int    // in all, after the step
		storedRows, storedKeys uint64 // after the step
	}{
		{"a new import", panelRows(0, 400), 0, 0, 500, 500},
		{"new users and stored ones", panelRows(200, 400), 250, 1, 750, 750}, // users 200–399 are stored: 250 rows
		{"the same users in another period", later(panelRows(0, 400)), 0, 1, 1250, 1250},
		{"stored users on another network", otherNetwork(panelRows(0, 100)), 0, 2, 1350, 1350},
		{"everything again", panelRows(0, 600), 750, 3, 1350, 1350},
	}
	for _, st := range steps {
		found, err := s.Panel(ctx, st.batch)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if len(found) != st.found || e.n != st.lookups {
			t.Errorf("%s: %d rows found stored after %d lookups in all; want %d after %d", st.name, len(found), e.n, st.found, st.lookups)
		}
		if rows, keys := panelCount(t, e); rows != st.storedRows || keys != st.storedKeys {
			t.Errorf("%s: %d rows, %d keys stored; want %d and %d", st.name, rows, keys, st.storedRows, st.storedKeys)
		}
	}
}
