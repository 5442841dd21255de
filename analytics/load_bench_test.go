package analytics_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
	"github.com/imscope/imscope/queries/enginetest"
)

// benchReps is how many times each question is timed; medians are reported.
const benchReps = 5

// benchEngine opens the embedded engine on a fresh, migrated database that
// is dropped when the benchmark ends.
func benchEngine(b *testing.B, db string) queries.Engine {
	b.Helper()
	ctx := context.Background()
	e, err := embedded.Open(ctx, embedded.Options{DataDir: dataDir, Database: db})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = e.Exec(context.Background(), "DROP DATABASE IF EXISTS "+queries.QuoteIdentifier(db))
		e.Close()
	})
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		b.Fatal(err)
	}
	return e
}

// scanOne runs a query that returns one row and scans it into dest.
func scanOne(tb testing.TB, e queries.Engine, query string, dest ...any) {
	tb.Helper()
	rows, err := e.Query(context.Background(), query)
	if err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	if !rows.Next() {
		tb.Fatalf("%s: no row (%v)", query, rows.Err())
	}
	if err := rows.Scan(dest...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

func mustExec(b *testing.B, e queries.Engine, query string, params ...queries.Param) time.Duration {
	b.Helper()
	start := time.Now()
	if err := e.Exec(context.Background(), query, params...); err != nil {
		b.Fatalf("%v\n%s", err, query)
	}
	return time.Since(start)
}

// settle waits (up to limit) until ClickHouse runs no merges in the
// current database, so timings do not share the two cores with them.
func settle(b *testing.B, e queries.Engine, limit time.Duration) {
	b.Helper()
	deadline := time.Now().Add(limit)
	for {
		var n uint64
		scanOne(b, e, "SELECT count() FROM system.merges WHERE database = currentDatabase()", &n)
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.Logf("%d merges still running after %v", n, limit)
			return
		}
		time.Sleep(time.Second)
	}
}

// timed runs f reps times and returns the median duration.
func timed(b *testing.B, reps int, f func() error) time.Duration {
	b.Helper()
	d := make([]time.Duration, 0, reps)
	for range reps {
		start := time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	slices.Sort(d)
	return d[len(d)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

var benchFrom, benchTo = enginetest.GenFrom, enginetest.GenTo

// BenchmarkMarketShareRollup generates usage_samples of 10 M and 100 M rows
// inside ClickHouse (the materialized views fill usage_daily and
// usage_monthly; their countMerge(samples) is checked against the raw count)
// and times the same question — monthly totals of one metric over the whole
// 3 years — as the dashboard asks it (queries.UsageTotals, which reads the
// monthly rollup), from the daily rollup (queries.UsageTotalsDaily) and from
// raw samples (queries.UsageTotalsRaw), the three answers compared row by
// row, then analytics.MarketShare end to end. Goals: rollup ≥ 20× faster
// than raw, and rollup latency independent of raw rows.
//
//	go test ./analytics -run '^$' -bench MarketShareRollup -benchtime 1x -timeout 60m
func BenchmarkMarketShareRollup(b *testing.B) {
	for _, n := range []uint64{10_000_000, 100_000_000} {
		b.Run(fmt.Sprintf("rows=%dM", n/1_000_000), func(b *testing.B) {
			ctx := context.Background()
			e := benchEngine(b, fmt.Sprintf("bench_share_%dm", n/1_000_000))
			start := time.Now()
			if err := enginetest.GenerateUsage(ctx, e, n); err != nil {
				b.Fatal(err)
			}
			gen := time.Since(start)
			b.Logf("generated %d rows in %v", n, gen.Round(time.Millisecond))

			var raw, rolled, monthly uint64
			scanOne(b, e, "SELECT count() FROM usage_samples", &raw)
			scanOne(b, e, "SELECT countMerge(samples) FROM usage_daily", &rolled)
			scanOne(b, e, "SELECT countMerge(samples) FROM usage_monthly", &monthly)
			if raw != n || rolled != n || monthly != n {
				b.Fatalf("usage_samples holds %d rows, usage_daily counts %d samples and usage_monthly %d, want %d", raw, rolled, monthly, n)
			}
			settleStart := time.Now()
			settle(b, e, 5*time.Minute)
			var rawParts, dailyParts, monthlyParts, dailyRows, monthlyRows uint64
			scanOne(b, e, "SELECT countIf(table = 'usage_samples'), countIf(table = 'usage_daily'), countIf(table = 'usage_monthly') FROM system.parts WHERE database = currentDatabase() AND active", &rawParts, &dailyParts, &monthlyParts)
			scanOne(b, e, "SELECT (SELECT count() FROM usage_daily), (SELECT count() FROM usage_monthly)", &dailyRows, &monthlyRows)
			b.Logf("merges settled in %v: %d raw parts; daily rollup %d parts, %d rows; monthly rollup %d parts, %d rows", time.Since(settleStart).Round(time.Second), rawParts, dailyParts, dailyRows, monthlyParts, monthlyRows)

			f := imscope.Filter{From: benchFrom, To: benchTo, Granularity: imscope.Month, Metric: "messages"}
			// The two paths must agree before they are compared.
			fromRollup, err := queries.UsageTotals(ctx, e, f)
			if err != nil {
				b.Fatal(err)
			}
			fromDaily, err := queries.UsageTotalsDaily(ctx, e, f)
			if err != nil {
				b.Fatal(err)
			}
			fromRaw, err := queries.UsageTotalsRaw(ctx, e, f)
			if err != nil {
				b.Fatal(err)
			}
			if len(fromRollup) != 36*8 || len(fromRaw) != len(fromRollup) || len(fromDaily) != len(fromRollup) {
				b.Fatalf("%d monthly rollup rows, %d daily and %d raw, want %d", len(fromRollup), len(fromDaily), len(fromRaw), 36*8)
			}
			var samples uint64
			for i, w := range fromRaw {
				for name, r := range map[string]queries.UsageTotal{"monthly": fromRollup[i], "daily": fromDaily[i]} {
					if !r.Period.Equal(w.Period) || r.Network != w.Network || r.Samples != w.Samples || math.Abs(r.Value-w.Value) > 1e-9*math.Abs(w.Value) {
						b.Fatalf("row %d: %s rollup %+v, raw %+v", i, name, r, w)
					}
				}
				samples += w.Samples
			}
			if samples != n/25 {
				b.Fatalf("the question covers %d samples, want %d", samples, n/25)
			}

			var rollup, daily, scan, share, floor time.Duration
			for b.Loop() {
				// The engine's own per-query cost, for scale.
				floor = timed(b, benchReps, func() error {
					var one uint8
					rows, err := e.Query(ctx, "SELECT 1")
					if err != nil {
						return err
					}
					defer rows.Close()
					rows.Next()
					return rows.Scan(&one)
				})
				rollup = timed(b, benchReps, func() error { _, err := queries.UsageTotals(ctx, e, f); return err })
				daily = timed(b, benchReps, func() error { _, err := queries.UsageTotalsDaily(ctx, e, f); return err })
				scan = timed(b, benchReps, func() error { _, err := queries.UsageTotalsRaw(ctx, e, f); return err })
				share = timed(b, benchReps, func() error {
					r, err := analytics.MarketShare(ctx, e, mustAsk(b, f), 0)
					if err == nil && len(r.Periods) != 36 {
						err = fmt.Errorf("market share: %d periods, want 36", len(r.Periods))
					}
					return err
				})
			}
			b.ReportMetric(ms(rollup), "rollup_ms")
			b.ReportMetric(ms(scan), "raw_ms")
			b.ReportMetric(scan.Seconds()/rollup.Seconds(), "speedup")
			b.ReportMetric(ms(daily), "daily_ms")
			b.ReportMetric(scan.Seconds()/daily.Seconds(), "daily_speedup")
			b.ReportMetric(ms(share), "marketshare_ms")
			b.ReportMetric(ms(floor), "select1_ms")
			b.ReportMetric(gen.Seconds(), "generate_s")
			b.ReportMetric(float64(n)/gen.Seconds()/1e6, "generate_Mrows/s")
			b.ReportMetric(float64(monthlyRows), "rollup_rows")
			b.ReportMetric(float64(dailyRows), "daily_rows")
		})
	}
}

var (
	panelQ1 = time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	panelQ2 = time.Date(2011, 4, 1, 0, 0, 0, 0, time.UTC)
)

// panelUserSQL is the per-user part of the generated panel, shared by the
// insert and by the expected counts: for user number,
//   - entrants (h%20 = 0) are absent in Q1, leavers (h%20 = 1) in Q2;
//   - k = 1 (60%), 2 (30%) or 3 (10%) networks;
//   - a primary network drawn with the 2010 shares (QQ 76.37%, ...), and
//     1–2 other distinct networks at fixed offsets from it;
//   - 10% switch primary in Q2 (the whole set moves with it).
const panelUserSQL = `
    cityHash64(number) AS h,
    h % 20 AS presence,
    multiIf(bitShiftRight(h, 4) % 10 < 6, 1, bitShiftRight(h, 4) % 10 < 9, 2, 3) AS k,
    arrayFirstIndex(x -> bitShiftRight(h, 12) % 10000 < x, [7637, 8618, 9173, 9607, 9815, 9880, 9940, 10000]) - 1 AS prim0,
    1 + bitShiftRight(h, 28) % 7 AS o1,
    1 + bitShiftRight(h, 36) % 6 AS o2r,
    if(o2r >= o1, o2r + 1, o2r) AS o2`

// genPanelSQL writes one period's panel rows: one per network of the user,
// the primary with 30–90 active days and the others with 1–29, so the
// primary is the one SQL picks.
const genPanelSQL = `
INSERT INTO panel_activity (period, user_key, network, segment, active_days, messages, source)
SELECT period, user_key, ['qq', 'wangwang', 'fetion', 'msn', 'skype', 'sinauc', 'popo', 'yahoo'][nets[j] + 1],
       segment, days[j], msgs[j], 'bench'
FROM (
    SELECT
        {period:Date} AS period,
        intHash64(number) AS user_key,` + panelUserSQL + `,
        cityHash64(number, {p:UInt8}) AS g,
        if({p:UInt8} = 1 AND bitShiftRight(h, 44) % 10 = 0, (prim0 + 1 + bitShiftRight(h, 48) % 7) % 8, prim0) AS prim,
        arraySlice([prim, (prim + o1) % 8, (prim + o2) % 8], 1, k) AS nets,
        [30 + g % 61, 1 + bitShiftRight(g, 8) % 29, 1 + bitShiftRight(g, 16) % 29] AS days,
        [bitShiftRight(g, 24) % 5000, bitShiftRight(g, 36) % 5000, bitShiftRight(g, 48) % 5000] AS msgs,
        ['office', 'students', 'mobile'][bitShiftRight(h, 52) % 3 + 1] AS segment
    FROM numbers({users:UInt64})
    WHERE presence != {absent:UInt8}
)
ARRAY JOIN arrayEnumerate(nets) AS j`

// genBridgeSQL writes per-minute traffic on four routes across Q1.
const genBridgeSQL = `
INSERT INTO bridge_traffic (ts, source, bridge, from_network, to_network, messages, failures, bytes, latency, latency_sum)
SELECT
    toDateTime64('2011-01-01 00:00:00', 3, 'UTC') + toIntervalMinute(intDiv(number, 4)) AS ts,
    'bench',
    ['gw-qq-msn', 'gw-qq-msn', 'fetion-gw', 'xmpp-skype'][number % 4 + 1],
    ['qq', 'msn', 'fetion', 'skype'][number % 4 + 1],
    ['msn', 'qq', 'qq', 'msn'][number % 4 + 1],
    10 + cityHash64(number) % 100 AS m,
    cityHash64(number) % 3,
    m * 200,
    map(toUInt64(5000), toUInt64(intDiv(m, 2)), toUInt64(50000), m - intDiv(m, 2)),
    m * 0.01
FROM numbers({n:UInt64})`

// BenchmarkPanel10M generates a 10 M-user panel over two quarters inside
// ClickHouse (users on 1–3 networks, 10% switching, 5% entrants and 5%
// leavers) and bridge traffic across the first quarter, and checks the
// counts. It then times the answers from panel_activity alone
// (PanelTransitionsRaw, PanelSignaturesRaw), the way every question was
// answered before the derived tables; the load-time cost, RefreshPanel
// building panel_users for both quarters (what the writer does at the end of
// an import) and checking builds that are already fresh (what every question
// does first); SwitchingBetween (goal < 2 s), MultiHomingIn (goal < 2 s) and
// ReachIn (goal < 1 s) end to end, as the dashboard calls them, once the
// derived answers are checked equal to the raw ones; the first
// SwitchingBetween after a row reached the first quarter behind the writer's
// back (it rebuilds that quarter first); and the Go maths of each question
// alone on the rows its SQL returned.
//
//	go test ./analytics -run '^$' -bench Panel10M -benchtime 1x -timeout 60m
func BenchmarkPanel10M(b *testing.B) {
	const users = 10_000_000
	ctx := context.Background()
	e := benchEngine(b, "bench_panel_10m")
	gen, users1, panelRows := generatePanel10M(b, e, users)

	f := imscope.Filter{From: panelQ1, To: panelQ2.AddDate(0, 3, 0), Granularity: imscope.Quarter, Metric: "active_users_30d"}
	// From panel_activity alone: the baseline, and the answers to match.
	var rawCounts []queries.Transition
	var rawSigs []queries.Signature
	rawSwitching := timed(b, 3, func() (err error) {
		rawCounts, err = queries.PanelTransitionsRaw(ctx, e, panelQ1, panelQ2, "")
		return err
	})
	rawSignatures := timed(b, 3, func() (err error) {
		rawSigs, err = queries.PanelSignaturesRaw(ctx, e, panelQ1, "")
		return err
	})

	refresh, userBytes, check := refreshPanel10M(b, e)
	ans := derivePanel10M(b, e, f, rawCounts, rawSigs, users, users1)
	step, transitions, sigs, active, div := ans.step, ans.transitions, ans.sigs, ans.active, ans.div

	var switching, multihoming, reachIn, routesSQL, stale, switchMaths, mhMaths, reachMaths time.Duration
	for b.Loop() {
		switching = timed(b, benchReps, func() error { _, err := analytics.SwitchingBetween(ctx, e, f, panelQ1, panelQ2); return err })
		multihoming = timed(b, benchReps, func() error { _, err := analytics.MultiHomingIn(ctx, e, f, panelQ1); return err })
		reachIn = timed(b, benchReps, func() error {
			r, err := analytics.ReachIn(ctx, e, f, panelQ1, nil)
			if err == nil && (r.Dividend.Pairs != div.Pairs || math.Abs(r.Dividend.Points-div.Points) > 1e-9) {
				err = fmt.Errorf("ReachIn: %+v, want %+v", r.Dividend, div)
			}
			return err
		})
		routesSQL = timed(b, benchReps, func() error {
			_, err := queries.BridgeRoutes(ctx, e, panelQ1, panelQ2, panelQ2.Sub(panelQ1))
			return err
		})
		// The Go maths alone, on the rows the SQL returned.
		switchMaths = timed(b, 101, func() error { _, err := analytics.SwitchingFromCounts(step, transitions); return err })
		mhMaths = timed(b, 101, func() error { _, err := analytics.MultiHomingFromSignatures(f, sigs); return err })
		reachMaths = timed(b, 101, func() error { _, err := analytics.InterconnectionDividend(sigs, active); return err })
	}
	// A row that reached panel_activity without the writer: the next
	// question finds Q1 stale and rebuilds it before answering.
	late := imscope.PanelRecord{Period: panelQ1, UserKey: 1, Network: "qq", Segment: "office", ActiveDays: 1, Messages: 1}
	if err := queries.InsertPanel(ctx, e, []imscope.PanelRecord{late}); err != nil {
		b.Fatal(err)
	}
	stale = timed(b, 1, func() error { _, err := analytics.SwitchingBetween(ctx, e, f, panelQ1, panelQ2); return err })
	b.ReportMetric(ms(switching), "switching_ms")
	b.ReportMetric(ms(multihoming), "multihoming_ms")
	b.ReportMetric(ms(reachIn), "reach_ms")
	b.ReportMetric(ms(rawSwitching), "raw_switching_ms")
	b.ReportMetric(ms(rawSignatures), "raw_signatures_ms")
	b.ReportMetric(refresh.Seconds(), "refresh_s")
	b.ReportMetric(ms(check), "fresh_check_ms")
	b.ReportMetric(stale.Seconds(), "stale_switching_s")
	b.ReportMetric(float64(userBytes)/1e6, "panel_users_MB")
	b.ReportMetric(ms(routesSQL), "routes_sql_ms")
	b.ReportMetric(float64(switchMaths.Microseconds()), "switching_maths_us")
	b.ReportMetric(float64(mhMaths.Microseconds()), "multihoming_maths_us")
	b.ReportMetric(float64(reachMaths.Microseconds()), "reach_maths_us")
	b.ReportMetric(float64(panelRows), "panel_rows")
	b.ReportMetric(gen.Seconds(), "generate_s")
}

// generatePanel10M is BenchmarkPanel10M's first phase: it generates the
// panel of the given number of users over both quarters and the bridge
// traffic, counts the rows back against the same formula evaluated on
// numbers(), and waits for merges to settle. It returns the time the
// generation took, Q1's users and the panel rows over both quarters.
func generatePanel10M(b *testing.B, e queries.Engine, users uint64) (gen time.Duration, users1, panelRows uint64) {
	for p, period := range []time.Time{panelQ1, panelQ2} {
		gen += mustExec(b, e, genPanelSQL, queries.Named("period", period), queries.Named("p", uint8(p)),
			queries.Named("absent", uint8(p)), queries.Named("users", users))
	}
	const bridgeRows = 4 * 90 * 24 * 60 // four routes, every minute of Q1
	gen += mustExec(b, e, genBridgeSQL, queries.Named("n", uint64(bridgeRows)))

	// Rows counted back against the same formula evaluated on numbers().
	var want1, want2, users2, got1, got2, gotBridge, got1m uint64
	scanOne(b, e, fmt.Sprintf("SELECT sumIf(k, presence != 0), sumIf(k, presence != 1), countIf(presence != 0), countIf(presence != 1) FROM (SELECT %s FROM numbers(%d))", panelUserSQL, users),
		&want1, &want2, &users1, &users2)
	scanOne(b, e, fmt.Sprintf("SELECT countIf(period = '%s'), countIf(period = '%s') FROM panel_activity", panelQ1.Format(time.DateOnly), panelQ2.Format(time.DateOnly)), &got1, &got2)
	if got1 != want1 || got2 != want2 {
		b.Fatalf("panel rows: Q1 %d, Q2 %d; want %d, %d", got1, got2, want1, want2)
	}
	scanOne(b, e, "SELECT count() FROM bridge_traffic", &gotBridge)
	scanOne(b, e, "SELECT toUInt64(sum(messages) = (SELECT sum(messages) FROM bridge_traffic)) FROM bridge_traffic_1m", &got1m)
	if gotBridge != bridgeRows || got1m != 1 {
		b.Fatalf("bridge_traffic holds %d rows (want %d); rollup matches: %d", gotBridge, bridgeRows, got1m)
	}
	b.Logf("generated %d + %d panel rows and %d bridge rows in %v", got1, got2, gotBridge, gen.Round(time.Millisecond))
	settleStart := time.Now()
	settle(b, e, 5*time.Minute)
	var parts uint64
	scanOne(b, e, "SELECT count() FROM system.parts WHERE database = currentDatabase() AND table = 'panel_activity' AND active", &parts)
	b.Logf("merges settled in %v: %d panel parts", time.Since(settleStart).Round(time.Second), parts)
	return gen, users1, got1 + got2
}

// refreshPanel10M times the load-time cost of the derived tables: the
// first RefreshPanel, which builds panel_users for both quarters, and the
// median of later ones, which must find the builds fresh. It also returns
// panel_users' size on disk.
func refreshPanel10M(b *testing.B, e queries.Engine) (refresh time.Duration, userBytes uint64, check time.Duration) {
	ctx := context.Background()
	start := time.Now()
	built, err := queries.RefreshPanel(ctx, e, panelQ1, panelQ2)
	refresh = time.Since(start)
	if err != nil || len(built) != 2 || !built[0].Rebuilt || !built[1].Rebuilt {
		b.Fatalf("refresh: %+v, %v", built, err)
	}
	var userRows uint64
	scanOne(b, e, "SELECT sum(rows), sum(bytes_on_disk) FROM system.parts WHERE database = currentDatabase() AND table = 'panel_users' AND active", &userRows, &userBytes)
	b.Logf("built panel_users in %v (%v, %v): %d rows, %.0f MB", refresh.Round(time.Millisecond), built[0].Duration.Round(time.Millisecond), built[1].Duration.Round(time.Millisecond), userRows, float64(userBytes)/1e6)
	settle(b, e, 5*time.Minute)
	check = timed(b, benchReps, func() error {
		done, err := queries.RefreshPanel(ctx, e, panelQ1, panelQ2)
		if err == nil && (done[0].Rebuilt || done[1].Rebuilt) {
			err = fmt.Errorf("fresh builds were rebuilt: %+v", done)
		}
		return err
	})
	return refresh, userBytes, check
}

// panel10MAnswers are the derived answers BenchmarkPanel10M fetches once and
// then times the Go maths alone on.
type panel10MAnswers struct {
	step        imscope.Filter // Q1 to Q2, one quarter step
	transitions []analytics.TransitionCount
	sigs        []analytics.SignatureCount
	active      []analytics.Link // the bridged pairs of networks
	div         analytics.Dividend
}

// derivePanel10M fetches the derived answers once, checks them equal to the
// raw ones from panel_activity and sound (everyone is seen in one period or
// both; the signatures cover exactly Q1's users; three bridged pairs), and
// returns them.
func derivePanel10M(b *testing.B, e queries.Engine, f imscope.Filter, rawCounts []queries.Transition, rawSigs []queries.Signature, users, users1 uint64) panel10MAnswers {
	ctx := context.Background()
	counts, err := queries.PanelTransitions(ctx, e, panelQ1, panelQ2, "")
	if err != nil || !reflect.DeepEqual(counts, rawCounts) {
		b.Fatalf("transitions from panel_users differ from panel_activity's (err %v)", err)
	}
	sigRows, err := queries.PanelSignatures(ctx, e, panelQ1, "")
	if err != nil || !reflect.DeepEqual(sigRows, rawSigs) {
		b.Fatalf("signatures from panel_users differ from panel_activity's (err %v)", err)
	}
	transitions := make([]analytics.TransitionCount, len(counts))
	for i, c := range counts {
		transitions[i] = analytics.TransitionCount{Period: panelQ1, From: c.From, To: c.To, Users: c.Users}
	}
	step := imscope.Filter{From: panelQ1, To: panelQ2.AddDate(0, 0, 1), Granularity: imscope.Quarter, Metric: f.Metric}
	sw, err := analytics.SwitchingFromCounts(step, transitions)
	if err != nil || len(sw) != 1 || sw[0].Users != users {
		b.Fatalf("switching: %d results, err %v; want one counting %d users", len(sw), err, users)
	}
	sigs := make([]analytics.SignatureCount, len(sigRows))
	for i, r := range sigRows {
		sigs[i] = analytics.SignatureCount{Networks: r.Networks, Users: r.Users}
	}
	mh, err := analytics.MultiHomingFromSignatures(f, sigs)
	if err != nil || mh.Users != users1 {
		b.Fatalf("multi-homing counts %d users in Q1 (err %v), want %d", mh.Users, err, users1)
	}
	routes, err := queries.BridgeRoutes(ctx, e, panelQ1, panelQ2, panelQ2.Sub(panelQ1))
	if err != nil {
		b.Fatal(err)
	}
	links := map[analytics.Link]bool{}
	for _, r := range routes {
		links[analytics.Link{A: min(r.FromNetwork, r.ToNetwork), B: max(r.FromNetwork, r.ToNetwork)}] = true
	}
	if len(links) != 3 {
		b.Fatalf("bridge links %v, want 3", links)
	}
	active := slices.Collect(maps.Keys(links))
	div, err := analytics.InterconnectionDividend(sigs, active)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("Q1→Q2: %d users, %d cells; Q1: %d users, %d signatures, %.1f%% multi-homing; reach %.2f%% → %.2f%% with %v",
		sw[0].Users, len(counts), mh.Users, len(sigs), mh.MultiHomingShare, div.Without.Share, div.With.Share, active)
	return panel10MAnswers{step: step, transitions: transitions, sigs: sigs, active: active, div: div}
}
