package analytics_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
	"github.com/imscope/imscope/queries/enginetest"
	"github.com/imscope/imscope/queries/server"
)

var dataDir string

func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &dataDir)) }

// mustAsk validates f as a question, as the API's binding does.
func mustAsk(tb testing.TB, f imscope.Filter) analytics.Question {
	tb.Helper()
	q, err := analytics.Ask(f)
	if err != nil {
		tb.Fatal(err)
	}
	return q
}

// engines opens every engine available on a fresh, migrated database: the
// embedded one always, the embedded one laid out as on a cluster (over a
// cluster of one shard, itself: enginetest.OnOneShard), and a server too
// when IMSCOPE_TEST_CLICKHOUSE is set. The same questions must get the same
// answers from each.
func engines(t *testing.T, db string) map[string]queries.Engine {
	t.Helper()
	ctx := context.Background()
	cfg, err := enginetest.OneShardConfig(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	open := func(db string) queries.Engine {
		e, err := embedded.Open(ctx, embedded.Options{DataDir: dataDir, Database: db, ConfigFile: cfg})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	out := map[string]queries.Engine{
		"embedded":          open(db),
		"one-shard cluster": enginetest.OnOneShard(t, open(db+"_cluster"), db+"_cluster"),
	}
	if url := os.Getenv("IMSCOPE_TEST_CLICKHOUSE"); url != "" {
		s, err := server.Open(ctx, server.Options{URL: url, Database: db,
			Cluster: os.Getenv("IMSCOPE_TEST_CLUSTER"), Replicated: os.Getenv("IMSCOPE_TEST_REPLICATED") == "1"})
		if err != nil {
			t.Fatal(err)
		}
		out["server"] = s
	}
	for name, e := range out {
		t.Cleanup(func() {
			dropped := db
			if name == "one-shard cluster" {
				dropped += "_cluster"
			}
			_ = e.Exec(context.Background(), "DROP DATABASE IF EXISTS "+queries.QuoteIdentifier(dropped)+queries.LayoutOf(e).OnCluster())
			e.Close()
		})
		if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

var (
	q1 = time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	q2 = time.Date(2011, 4, 1, 0, 0, 0, 0, time.UTC)
	q3 = time.Date(2011, 7, 1, 0, 0, 0, 0, time.UTC)
)

// panel is a seeded random panel: users multi-home, switch, join and leave.
func panel() []imscope.PanelRecord {
	r := rand.New(rand.NewPCG(7, 11))
	nets := []string{"qq", "msn", "fetion", "skype"}
	var out []imscope.PanelRecord
	for u := uint64(1); u <= 3000; u++ {
		seg := []string{"office", "students"}[u%2]
		for _, p := range []time.Time{q1, q2, q3} {
			if r.IntN(10) == 0 {
				continue // absent this period
			}
			for _, i := range r.Perm(len(nets))[:1+r.IntN(3)] {
				out = append(out, imscope.PanelRecord{Period: p, UserKey: u*2654435761 + 17, Network: nets[i], Segment: seg, ActiveDays: uint16(r.IntN(91)), Messages: uint64(r.IntN(5000))})
			}
		}
	}
	// Exact ties on days and messages: the smaller network id is primary.
	for _, p := range []time.Time{q1, q2} {
		for _, nw := range []string{"qq", "msn", "fetion"} {
			out = append(out, imscope.PanelRecord{Period: p, UserKey: 1 << 40, Network: nw, Segment: "office", ActiveDays: 10, Messages: 10})
		}
	}
	return out
}

// TestSQLMatchesPureMaths: the switching counts and multi-homing signatures
// ClickHouse computes from panel rows give the same answers as the pure
// maths over the same rows in Go.
func TestSQLMatchesPureMaths(t *testing.T) {
	ctx := context.Background()
	records := panel()
	f := imscope.Filter{From: q1, To: q3.AddDate(0, 3, 0), Granularity: imscope.Quarter, Metric: "messages", Segment: "office"}
	want, err := analytics.SwitchingFromPanel(f, records)
	if err != nil {
		t.Fatal(err)
	}
	for name, e := range engines(t, "sql_vs_pure") {
		t.Run(name, func(t *testing.T) {
			if err := queries.InsertPanel(ctx, e, records); err != nil {
				t.Fatal(err)
			}
			periods, err := analytics.PanelPeriods(ctx, e, f)
			if err != nil || !reflect.DeepEqual(periods, []time.Time{q1, q2, q3}) {
				t.Fatalf("panel periods %v, %v", periods, err)
			}
			for i, pair := range [][2]time.Time{{q1, q2}, {q2, q3}} {
				got, err := analytics.SwitchingBetween(ctx, e, f, pair[0], pair[1])
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got.Counts, want[i].Counts) || !reflect.DeepEqual(got.Networks, want[i].Networks) {
					t.Fatalf("%s→%s: SQL counts\n%v\npure counts\n%v", pair[0].Format(time.DateOnly), pair[1].Format(time.DateOnly), got.Counts, want[i].Counts)
				}
			}
			along, err := analytics.SwitchingAlong(ctx, e, f)
			if err != nil || len(along) != 2 || !reflect.DeepEqual(along[1].Counts, want[1].Counts) {
				t.Fatalf("switching along the range: %d results, err %v", len(along), err)
			}
			// Multi-homing from SQL signatures equals the maths over Go-built signatures.
			wantMH := pureMultiHoming(t, f, records, q2)
			gotMH, err := analytics.MultiHomingIn(ctx, e, f, q2)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotMH, wantMH) {
				t.Fatalf("multi-homing from SQL\n%+v\nfrom Go\n%+v", gotMH, wantMH)
			}
		})
	}
}

// pureMultiHoming is the multi-homing of period in f's segment computed in
// Go from the records: one signature per active user.
func pureMultiHoming(t *testing.T, f imscope.Filter, records []imscope.PanelRecord, period time.Time) analytics.MultiHoming {
	t.Helper()
	sigs := map[uint64][]string{}
	for _, r := range records {
		if r.Period.Equal(period) && (f.Segment == "" || r.Segment == f.Segment) && (r.ActiveDays > 0 || r.Messages > 0) {
			sigs[r.UserKey] = append(sigs[r.UserKey], r.Network)
		}
	}
	var rows []analytics.SignatureCount
	for _, nets := range sigs {
		rows = append(rows, analytics.SignatureCount{Networks: nets, Users: 1})
	}
	mh, err := analytics.MultiHomingFromSignatures(f, rows)
	if err != nil {
		t.Fatal(err)
	}
	return mh
}

// TestSeedShares: the published Q3 2010 figures, loaded as usage, give the
// seed HHI, CR4 and coalition gap through the whole path.
func TestSeedShares(t *testing.T) {
	ctx := context.Background()
	seed := map[string]float64{"qq": 76.37, "wangwang": 9.81, "fetion": 5.55, "msn": 4.34, "skype": 2.08}
	for name, e := range engines(t, "seed_shares") {
		t.Run(name, func(t *testing.T) {
			var samples []imscope.Sample
			for nw, share := range seed {
				samples = append(samples, imscope.Sample{TS: time.Date(2010, 8, 15, 12, 0, 0, 0, time.UTC), Source: "seed", Network: nw, Metric: "active_users_30d", Value: share * 1e6})
			}
			if err := queries.InsertSamples(ctx, e, samples); err != nil {
				t.Fatal(err)
			}
			f := imscope.Filter{From: time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2010, 10, 1, 0, 0, 0, 0, time.UTC), Granularity: imscope.Quarter, Metric: "active_users_30d"}
			r, err := analytics.MarketShare(ctx, e, mustAsk(t, f), 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Concentration) != 1 {
				t.Fatalf("%d periods of concentration, want 1", len(r.Concentration))
			}
			c := r.Concentration[0]
			// Shares renormalise over the five exact figures (98.15 in all), so
			// compare against the seed HHI computed on those renormalised shares
			// by the pure maths, and check the published numbers directly too.
			var exact []analytics.NetworkShare
			for nw, s := range seed {
				exact = append(exact, analytics.NetworkShare{Network: nw, Share: s})
			}
			h, _ := analytics.HHI(exact)
			if math.Round(h*10)/10 != 5982.6 {
				t.Fatalf("seed HHI %.1f, want 5,982.6", h)
			}
			total := 98.15
			wantHHI := 0.0
			for _, s := range seed {
				wantHHI += (s / total * 100) * (s / total * 100)
			}
			if math.Abs(c.HHI-wantHHI) > 1e-6 || c.Leader.Network != "qq" {
				t.Fatalf("HHI through the engine %.4f, want %.4f", c.HHI, wantHHI)
			}
		})
	}
}

// batches is a collector.Source that emits fixed batches, like a CSV import
// of the same file run again.
type batches [][]imscope.PanelRecord

func (bs batches) Collect(ctx context.Context, emit collector.Emit) error {
	for _, b := range bs {
		if err := emit(ctx, collector.Batch{Panel: b}); err != nil {
			return err
		}
	}
	return nil
}

// TestPanelArrivesInParts: switching and multi-homing stay exactly the Go
// maths over the rows landed so far while each period's rows arrive over
// several collector runs (every user's networks split between runs, two
// batches per run), the writer refreshing the derived tables at the end of
// each run; and re-running the same imports, which ClickHouse deduplicates
// by insert token, changes nothing and rebuilds nothing.
func TestPanelArrivesInParts(t *testing.T) {
	ctx := context.Background()
	records := panel()
	const runs = 3
	parts := make([]batches, runs)
	for i, r := range records {
		run := (i + int(r.UserKey%5)) % runs
		if len(parts[run]) == 0 {
			parts[run] = batches{nil, nil}
		}
		parts[run][i%2] = append(parts[run][i%2], r)
	}
	periods := []time.Time{q1, q2, q3}
	for name, e := range engines(t, "panel_in_parts") {
		t.Run(name, func(t *testing.T) {
			runner := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
			var landed []imscope.PanelRecord
			check := func(when string) {
				t.Helper()
				done, err := queries.RefreshPanel(ctx, e, periods...)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range done {
					if r.Rebuilt {
						t.Fatalf("%s: %s was stale after the writer's refresh", when, r.Period.Format(time.DateOnly))
					}
				}
				for _, seg := range []string{"", "office"} {
					f := imscope.Filter{From: q1, To: q3.AddDate(0, 3, 0), Granularity: imscope.Quarter, Metric: "messages", Segment: seg}
					want, err := analytics.SwitchingFromPanel(f, landed)
					if err != nil || len(want) != 2 {
						t.Fatalf("%s: pure switching %d results, %v", when, len(want), err)
					}
					for i, pair := range [][2]time.Time{{q1, q2}, {q2, q3}} {
						got, err := analytics.SwitchingBetween(ctx, e, f, pair[0], pair[1])
						if err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(got.Counts, want[i].Counts) || !reflect.DeepEqual(got.Networks, want[i].Networks) {
							t.Fatalf("%s, segment %q, %s: SQL counts\n%v\npure counts\n%v", when, seg, pair[0].Format(time.DateOnly), got.Counts, want[i].Counts)
						}
					}
					wantMH := pureMultiHoming(t, f, landed, q2)
					gotMH, err := analytics.MultiHomingIn(ctx, e, f, q2)
					if err != nil || !reflect.DeepEqual(gotMH, wantMH) {
						t.Fatalf("%s, segment %q: multi-homing from SQL\n%+v (%v)\nfrom Go\n%+v", when, seg, gotMH, err, wantMH)
					}
				}
			}
			for i, part := range parts {
				run := runner.Run(ctx, collector.Collector{Name: fmt.Sprintf("panel-part-%d", i), Source: part})
				if run.Status != "ok" {
					t.Fatalf("run %d: %+v", i, run)
				}
				for _, b := range part {
					landed = append(landed, b...)
				}
				check(fmt.Sprintf("after run %d of %d", i+1, runs))
			}
			var before uint64
			scanOne(t, e, "SELECT count() FROM panel_activity", &before)
			for i, part := range parts {
				if run := runner.Run(ctx, collector.Collector{Name: fmt.Sprintf("panel-part-%d", i), Source: part}); run.Status != "ok" {
					t.Fatalf("re-run %d: %+v", i, run)
				}
			}
			var after uint64
			scanOne(t, e, "SELECT count() FROM panel_activity", &after)
			if after != before || before != uint64(len(records)) {
				t.Fatalf("panel_activity holds %d rows after the re-import, %d before; want %d", after, before, len(records))
			}
			check("after re-running every import")
		})
	}
}
