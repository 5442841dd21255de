package enginetest

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

var networks = []string{"qq", "wangwang", "fetion", "msn", "skype", "sinauc", "popo", "yahoo"}

// testInsertMillion writes 1 M usage rows through Engine.Insert and counts
// them back exactly — libchdb once kept only tens of thousands of 2 M inline
// rows without reporting an error, so every insert path is counted.
func testInsertMillion(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	const n = 1_000_000
	start := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	b, err := e.Insert(ctx, "usage_samples", "ts", "source", "network", "metric", "segment", "value")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wantSum float64
	for i := range n {
		v := float64(i % 1000)
		wantSum += v
		if err := b.Append(start.Add(time.Duration(i)*time.Minute), "conformance", networks[i%len(networks)], "messages", "", v); err != nil {
			t.Fatal(err)
		}
	}
	if b.Len() != n {
		t.Fatalf("batch holds %d rows, want %d", b.Len(), n)
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
	var count uint64
	var sum float64
	var qq uint64
	scanOne(t, e, "SELECT count(), sum(value), countIf(network = 'qq') FROM usage_samples", nil, &count, &sum, &qq)
	if count != n || sum != wantSum || qq != n/8 {
		t.Fatalf("read back %d rows summing %v (%d qq); want %d rows summing %v (%d qq)", count, sum, qq, n, wantSum, n/8)
	}
	// The materialized view saw every row too.
	var rolled uint64
	scanOne(t, e, "SELECT countMerge(samples) FROM usage_daily", nil, &rolled)
	if rolled != n {
		t.Fatalf("daily rollup counted %d samples, want %d", rolled, n)
	}
}

// testInsertRejectsBadRow: a value that does not fit its column is refused at
// Append with the column named, and the batch's good rows still land.
func testInsertRejectsBadRow(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	mustExec(t, e, "CREATE TABLE strict (id UInt8, bound Enum8('eq' = 0, 'lt' = 1), note Nullable(String)) ENGINE = MergeTree ORDER BY id")
	b, err := e.Insert(ctx, "strict", "id", "bound", "note")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Append(1, "eq", nil); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]any{{300, "eq", nil}, {2, "approximately", nil}, {-1, "lt", nil}, {3, "eq", 42}} {
		err := b.Append(bad...)
		if err == nil {
			t.Fatalf("row %v was accepted", bad)
		}
		if !strings.Contains(err.Error(), "column") {
			t.Fatalf("error %q does not name the column", err)
		}
	}
	if err := b.Append(2, "lt", "fine"); err != nil {
		t.Fatal(err)
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
	var n uint64
	scanOne(t, e, "SELECT count() FROM strict", nil, &n)
	if n != 2 {
		t.Fatalf("%d rows landed, want the 2 good ones", n)
	}
}

// testRollupMatchesRaw: the rollups answer usage questions exactly as the
// raw samples do, for every aggregation and granularity: the daily rollup
// over a range that starts and ends mid-month, and over whole months too,
// where month, quarter and year questions read the monthly rollup.
func testRollupMatchesRaw(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2010, 12, 20, 0, 0, 0, 0, time.UTC)
	var samples []imscope.Sample
	for h := 0; h < 24*40; h += 5 {
		for i, nw := range networks[:4] {
			ts := start.Add(time.Duration(h) * time.Hour)
			samples = append(samples,
				imscope.Sample{TS: ts, Source: "t", Network: nw, Metric: "messages", Value: float64((h*7+i*13)%50 + 1)},
				imscope.Sample{TS: ts, Source: "t", Network: nw, Metric: "active_users_30d", Value: float64(1000*(i+1) + h)},
				imscope.Sample{TS: ts, Source: "t", Network: nw, Metric: "connections", Value: float64((h*3+i)%17 + 1)})
		}
	}
	if err := queries.InsertSamples(ctx, e, samples); err != nil {
		t.Fatal(err)
	}
	dec, feb := time.Date(2010, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2011, 2, 1, 0, 0, 0, 0, time.UTC)
	ranges := [][2]time.Time{{start.AddDate(0, 0, 3), start.AddDate(0, 0, 35)}, {dec, feb}}
	for _, metric := range []string{"messages", "active_users_30d", "connections"} {
		for _, g := range []imscope.Granularity{imscope.Day, imscope.Week, imscope.Month, imscope.Quarter, imscope.Year} {
			for _, span := range ranges {
				f := imscope.Filter{From: span[0], To: span[1], Granularity: g, Metric: metric}
				raw, err := queries.UsageTotalsRaw(ctx, e, f)
				if err != nil {
					t.Fatal(err)
				}
				for name, rollup := range map[string]func(context.Context, queries.Engine, imscope.Filter) ([]queries.UsageTotal, error){"UsageTotals": queries.UsageTotals, "UsageTotalsDaily": queries.UsageTotalsDaily} {
					rolled, err := rollup(ctx, e, f)
					if err != nil {
						t.Fatal(err)
					}
					if len(rolled) == 0 || len(rolled) != len(raw) {
						t.Fatalf("%s %s/%s from %s: %d rows, raw %d", name, metric, g, span[0].Format(time.DateOnly), len(rolled), len(raw))
					}
					for i := range raw {
						r, w := rolled[i], raw[i]
						if !r.Period.Equal(w.Period) || r.Network != w.Network || r.Samples != w.Samples || math.Abs(r.Value-w.Value) > 1e-9*math.Max(1, math.Abs(w.Value)) {
							t.Fatalf("%s %s/%s from %s row %d: rollup %+v, raw %+v", name, metric, g, span[0].Format(time.DateOnly), i, r, w)
						}
					}
				}
			}
		}
	}
	// A network filter narrows the answer.
	only, err := queries.UsageTotals(ctx, e, imscope.Filter{From: start, To: start.AddDate(0, 1, 0), Granularity: imscope.Month, Metric: "messages", Networks: []string{"fetion"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range only {
		if u.Network != "fetion" {
			t.Fatalf("network filter let %s through", u.Network)
		}
	}
	if len(only) != 2 {
		t.Fatalf("fetion over Dec–Jan: %d periods, want 2", len(only))
	}
}

func testMarketReports(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	q3 := time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)
	in := []imscope.MarketReport{
		{Period: "2010-Q3", PeriodStart: q3, Publisher: "Analysys International", Basis: "users", Network: "qq", Share: 76.37, Bound: imscope.BoundEq},
		{Period: "2010-Q3", PeriodStart: q3, Publisher: "Analysys International", Basis: "users", Network: "yahoo", Share: 1, Bound: imscope.BoundLt, Note: "published as no more than 1%"},
	}
	if err := queries.InsertMarketReports(ctx, e, in); err != nil {
		t.Fatal(err)
	}
	// Importing the same report again replaces, not duplicates.
	if err := queries.InsertMarketReports(ctx, e, in); err != nil {
		t.Fatal(err)
	}
	got, err := queries.MarketReports(ctx, e, q3, q3.AddDate(0, 3, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Network != "qq" || got[0].Share != 76.37 || got[1].Bound != imscope.BoundLt || got[1].Note != in[1].Note || !got[0].PeriodStart.Equal(q3) {
		t.Fatalf("got %+v", got)
	}
}

// testBridgeLatencyExact: a route's latency sum is the exact sum of its
// samples whatever parts and merges it is spread over. (A Float64 sum
// depended on the order ClickHouse's threads added the terms in, so the
// same question could get two answers a few ulps apart.)
func testBridgeLatencyExact(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2012, 6, 1, 0, 0, 0, 0, time.UTC)
	var micros uint64   // 30 × 0.1 s: 3 s, where adding up floats gives 3.0000000000000013
	for i := range 30 { // one insert each: thirty parts to add up
		s := imscope.BridgeSample{TS: start.Add(time.Duration(i) * time.Minute), Source: "t", Bridge: "b", FromNetwork: "qq", ToNetwork: "msn",
			Messages: 3, Latency: map[uint64]uint64{100_000: 3}, LatencySum: 0.1}
		micros += 100_000
		if err := queries.InsertBridgeSamples(ctx, e, []imscope.BridgeSample{s}); err != nil {
			t.Fatal(err)
		}
	}
	want := float64(micros) / 1e6
	sum := func() float64 {
		got, err := queries.BridgeRoutes(ctx, e, start, start.Add(time.Hour), time.Hour)
		if err != nil || len(got) != 1 {
			t.Fatalf("%d routes, %v", len(got), err)
		}
		return got[0].LatencySum
	}
	if got := sum(); got != want {
		t.Fatalf("latency sum %.17g over 30 parts, want exactly %.17g", got, want)
	}
	l := queries.LayoutOf(e)
	mustExec(t, e, "OPTIMIZE TABLE "+l.Local("bridge_traffic_1m")+l.OnCluster()+" FINAL")
	if got := sum(); got != want {
		t.Fatalf("latency sum %.17g after merging, want exactly %.17g", got, want)
	}
}

// testFarBounds: a range that ends far in the future ("everything") still
// finds recent data. ClickHouse's Date ends in 2149 and toDate wraps a later
// time around to 1970-and-something (toDate('2200-01-01') is 2020-07-27), so
// panel periods, usage and published shares after mid-2020 were invisible to
// a question reaching to 2200.
func testFarBounds(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	recent := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	s := queries.NewStore(e)
	if _, err := s.Panel(ctx, []imscope.PanelRecord{{Period: recent, UserKey: 1, Network: "qq", ActiveDays: 3}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Samples(ctx, []imscope.Sample{{TS: recent, Source: "t", Network: "qq", Metric: "messages", Value: 4}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reports(ctx, []imscope.MarketReport{{Period: "2024-Q2", PeriodStart: recent, Publisher: "p", Basis: "users", Network: "qq", Share: 50, Bound: imscope.BoundEq}}); err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	periods, err := queries.PanelPeriods(ctx, e, from, to)
	if err != nil || len(periods) != 1 || !periods[0].Equal(recent) {
		t.Fatalf("panel periods up to 2200: %v, %v; want 2024-04-01", periods, err)
	}
	usage, err := queries.UsageTotals(ctx, e, imscope.Filter{From: from, To: to, Granularity: imscope.Year, Metric: "messages"})
	if err != nil || len(usage) != 1 || usage[0].Value != 4 {
		t.Fatalf("usage up to 2200: %+v, %v; want 2024's 4 messages", usage, err)
	}
	reports, err := queries.MarketReports(ctx, e, from, to)
	if err != nil || len(reports) != 1 {
		t.Fatalf("published shares up to 2200: %+v, %v; want 2024-Q2's", reports, err)
	}
}
