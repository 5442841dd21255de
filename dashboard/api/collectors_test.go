package api_test

import (
	"html"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// TestCollectorsListUnknownNetworks: the fixture's catalog names qq and
// msn only, so the demo's other six networks and the three hostile ids are
// outside it. /api/v1/collectors lists exactly those from the stored data,
// most rows first, with their rows; its CSV table and the Collectors page
// show them as text.
func TestCollectorsListUnknownNetworks(t *testing.T) {
	h := dashtest.Server(t, nil)
	d := dashtest.GetJSON(t, h, "/api/v1/collectors")
	unknown := dashtest.Objs(t, d, "unknown_networks")
	var ids []string
	last := -1.0
	for i, u := range unknown {
		id, rows := u["network"].(string), u["rows"].(float64)
		ids = append(ids, id)
		if i > 0 && rows > last {
			t.Errorf("%s has %v rows after %v: not most rows first", id, rows, last)
		}
		last = rows
		if slices.Contains(dashtest.HostileNetworks, id) && rows != 1 {
			t.Errorf("%q: %v rows, want 1 (the fixture's one sample)", id, rows)
		}
		// Stored by the fixture, after the migrations: seen when stored,
		// from the rows' sources (the hostile ids' one sample says "test").
		first, err1 := time.Parse(time.RFC3339, u["first_seen"].(string))
		last, err2 := time.Parse(time.RFC3339, u["last_seen"].(string))
		if err1 != nil || err2 != nil || first.Before(dashtest.HostileDay) || last.Before(first) || time.Since(last) > time.Hour {
			t.Errorf("%q: first_seen %v, last_seen %v; want both stored recently, in order", id, u["first_seen"], u["last_seen"])
		}
		collectors, _ := u["collectors"].([]any)
		if len(collectors) == 0 || slices.Contains(dashtest.HostileNetworks, id) && (len(collectors) != 1 || collectors[0] != "test") {
			t.Errorf("%q: collectors %v, want the rows' sources (just \"test\" for the fixture's sample)", id, u["collectors"])
		}
	}
	want := append([]string{"fetion", "popo", "sinauc", "skype", "wangwang", "yahoo"}, dashtest.HostileNetworks...)
	got := slices.Sorted(slices.Values(ids))
	if slices.Sort(want); !slices.Equal(got, want) {
		t.Fatalf("unknown networks %q, want %q (every id outside the catalog, none inside)", got, want)
	}

	rows := dashtest.GetCSV(t, h, "/api/v1/collectors?format=csv&table=unknown_networks")
	if len(rows) != len(want) || rows[0]["network"] != ids[0] || rows[0]["first_seen"] == "" || rows[0]["last_seen"] == "" || rows[0]["collectors"] == "" {
		t.Errorf("CSV table: %v, want %d rows starting with %s, with first_seen, last_seen and collectors", rows, len(want), ids[0])
	}

	w := dashtest.Get(t, h, "/collectors")
	if w.Code != http.StatusOK {
		t.Fatalf("/collectors: %d", w.Code)
	}
	page := w.Body.String()
	if !strings.Contains(page, `id="unknown-networks"`) || strings.Count(page, "data-unknown-network=") != len(want) {
		t.Fatalf("the Collectors page lacks the %d unknown networks:\n%.2000s", len(want), page)
	}
	if strings.Count(page, "data-first-seen") != len(want) || !strings.Contains(page, "<td class=\"wrap\" data-collectors><code>test</code></td>") {
		t.Errorf("the Collectors page lacks first/last seen or the collectors of unknown networks")
	}
	for _, n := range dashtest.HostileNetworks {
		if !strings.Contains(page, "<code>"+html.EscapeString(n)+"</code>") {
			t.Errorf("the page does not show %q as text", n)
		}
	}
	if strings.Contains(page, "<script>alert(1)") || strings.Contains(page, "<img src=x") {
		t.Errorf("raw markup from a network id in the page")
	}
}
