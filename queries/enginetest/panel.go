package enginetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

var (
	panelP1 = time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	panelP2 = time.Date(2011, 4, 1, 0, 0, 0, 0, time.UTC)
)

// panelRecords is a seeded panel over two periods that exercises every rule
// of the primary network and of segments: users on 1–4 networks, ties on
// days and messages, records with no activity, users absent from a period,
// rows with the empty segment, and users with rows in two segments of one
// period (so ” is not the union of the per-segment answers).
func panelRecords() []imscope.PanelRecord {
	r := rand.New(rand.NewPCG(3, 5))
	nets := []string{"qq", "msn", "fetion", "skype", "popo"}
	segs := []string{"office", "students", ""}
	var out []imscope.PanelRecord
	for u := uint64(1); u <= 600; u++ {
		for _, p := range []time.Time{panelP1, panelP2} {
			if r.IntN(8) == 0 {
				continue
			}
			for k, i := range r.Perm(len(nets))[:1+r.IntN(4)] {
				seg := segs[u%3]
				if u%10 == 0 && k == 1 {
					seg = segs[(u+1)%3] // a second segment for this user
				}
				days, msgs := uint16(r.IntN(31)), uint64(r.IntN(40))
				if u%7 == 0 {
					days, msgs = 5, 9 // ties: the smallest network id wins
				}
				out = append(out, imscope.PanelRecord{Period: p, UserKey: u * 0x9e3779b97f4a7c15, Network: nets[i], Segment: seg, ActiveDays: days, Messages: msgs})
			}
		}
	}
	return out
}

// samePanelAnswers fails unless the derived tables and panel_activity give
// the same switching counts and signatures for every segment filter.
func samePanelAnswers(t *testing.T, e queries.Engine, when string) {
	t.Helper()
	ctx := context.Background()
	for _, seg := range []string{"", "office", "students", "nobody"} {
		got, err := queries.PanelTransitions(ctx, e, panelP1, panelP2, seg)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		want, err := queries.PanelTransitionsRaw(ctx, e, panelP1, panelP2, seg)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if !reflect.DeepEqual(got, want) || (seg != "nobody" && len(want) == 0) {
			t.Fatalf("%s, segment %q: transitions from panel_users\n%v\nfrom panel_activity\n%v", when, seg, got, want)
		}
		for _, p := range []time.Time{panelP1, panelP2} {
			got, err := queries.PanelSignatures(ctx, e, p, seg)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			want, err := queries.PanelSignaturesRaw(ctx, e, p, seg)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, segment %q, %s: signatures from panel_users\n%v\nfrom panel_activity\n%v", when, seg, p.Format(time.DateOnly), got, want)
			}
		}
	}
}

// rebuilt reports which of the periods RefreshPanel had to rebuild.
func rebuilt(t *testing.T, e queries.Engine, periods ...time.Time) []bool {
	t.Helper()
	done, err := queries.RefreshPanel(context.Background(), e, periods...)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]bool, len(done))
	for i, r := range done {
		out[i] = r.Rebuilt
	}
	return out
}

// testPanelDerived: the per-user panel tables answer switching and
// multi-homing exactly as panel_activity does while one period's rows
// arrive in several inserts — a user's networks split between them — with
// questions asked in between; a chunk sent again, whose keys are all
// stored, costs no rebuild; a period reloaded with other rows, as many
// as before, is rebuilt; and each rebuild leaves one generation.
func testPanelDerived(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	records := panelRecords()
	var first, p1 []imscope.PanelRecord
	for _, r := range records {
		if r.Period.Equal(panelP2) {
			first = append(first, r)
		} else {
			p1 = append(p1, r)
		}
	}
	chunks := [][]imscope.PanelRecord{first, nil, nil, nil}
	for i, r := range p1 {
		chunks[1+i%3] = append(chunks[1+i%3], r)
	}
	store := queries.NewStore(e)
	for i, c := range chunks {
		if _, err := store.Panel(ctx, c); err != nil {
			t.Fatal(err)
		}
		samePanelAnswers(t, e, fmt.Sprintf("after insert %d of %d", i+1, len(chunks)))
	}
	if got := rebuilt(t, e, panelP1, panelP2); !reflect.DeepEqual(got, []bool{false, false}) {
		t.Fatalf("questions left the builds stale: rebuilt %v", got)
	}
	// The same chunk again: every key is stored, nothing to do.
	if found, err := store.Panel(ctx, chunks[2]); err != nil || len(found) != len(chunks[2]) {
		t.Fatalf("the chunk again: %d of %d found stored, %v", len(found), len(chunks[2]), err)
	}
	if got := rebuilt(t, e, panelP1, panelP2); !reflect.DeepEqual(got, []bool{false, false}) {
		t.Fatalf("a re-import that stored nothing rebuilt %v", got)
	}
	// A late row for one period: that period alone is rebuilt, and answers
	// still agree.
	late := imscope.PanelRecord{Period: panelP1, UserKey: 1 << 50, Network: "yahoo", Segment: "office", ActiveDays: 90, Messages: 1}
	if err := queries.InsertPanel(ctx, e, []imscope.PanelRecord{late}); err != nil {
		t.Fatal(err)
	}
	if got := rebuilt(t, e, panelP1, panelP2); !reflect.DeepEqual(got, []bool{true, false}) {
		t.Fatalf("one late row: rebuilt %v, want only the first period", got)
	}
	samePanelAnswers(t, e, "after a late row")
	// The second period deleted and loaded again, corrected, with as many
	// rows as before: the digest notices, and only that period is rebuilt.
	l := queries.LayoutOf(e)
	mustExec(t, e, "ALTER TABLE "+l.Local("panel_activity")+l.OnCluster()+" DELETE WHERE period = {p:Date} SETTINGS mutations_sync = 2", queries.Named("p", panelP2))
	corrected := make([]imscope.PanelRecord, len(first))
	for i, r := range first {
		r.ActiveDays = 30 - r.ActiveDays
		corrected[i] = r
	}
	if err := queries.InsertPanel(ctx, e, corrected); err != nil {
		t.Fatal(err)
	}
	if got := rebuilt(t, e, panelP1, panelP2); !reflect.DeepEqual(got, []bool{false, true}) {
		t.Fatalf("a corrected reload of as many rows: rebuilt %v, want only the second period", got)
	}
	samePanelAnswers(t, e, "after a corrected reload")
	// Four callers at once on a stale period: one rebuilds it, the others
	// wait and find it fresh.
	late.UserKey++
	if err := queries.InsertPanel(ctx, e, []imscope.PanelRecord{late}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var rebuilds atomic.Int32
	for range 4 {
		wg.Go(func() {
			done, err := queries.RefreshPanel(ctx, e, panelP1)
			if err != nil {
				t.Error(err)
				return
			}
			if done[0].Rebuilt {
				rebuilds.Add(1)
			}
		})
	}
	wg.Wait()
	if n := rebuilds.Load(); n != 1 {
		t.Fatalf("four concurrent refreshes of a stale period rebuilt it %d times, want once", n)
	}
	samePanelAnswers(t, e, "after concurrent refreshes")
	var generations uint64
	scanOne(t, e, "SELECT uniqExact(period, generation) FROM panel_users", nil, &generations)
	if generations != 2 {
		t.Fatalf("panel_users holds %d builds, want one per period", generations)
	}
}

// testPanelManyNetworks: a period naming more networks than a build holds
// is answered from panel_activity, as before there were derived tables.
func testPanelManyNetworks(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	var recs []imscope.PanelRecord
	for i := range 70 {
		for _, p := range []time.Time{panelP1, panelP2} {
			recs = append(recs, imscope.PanelRecord{Period: p, UserKey: uint64(i % 9), Network: fmt.Sprintf("net%02d", (i+p.YearDay())%70), ActiveDays: uint16(i % 4), Messages: uint64(i)})
		}
	}
	if err := queries.InsertPanel(ctx, e, recs); err != nil {
		t.Fatal(err)
	}
	got, err := queries.PanelTransitions(ctx, e, panelP1, panelP2, "")
	if err != nil {
		t.Fatal(err)
	}
	want, err := queries.PanelTransitionsRaw(ctx, e, panelP1, panelP2, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("70 networks: transitions\n%v\nraw\n%v", got, want)
	}
	if _, err := queries.PanelSignatures(ctx, e, panelP1, ""); err == nil || !strings.Contains(err.Error(), "more than 64 networks") {
		t.Fatalf("70 networks: signatures error %v, want the raw query's refusal", err)
	}
}
