package simulate

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	stdhash "hash"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// digest hashes every row of a History run, in emission order.
func digest(t *testing.T, cfg Config) string {
	t.Helper()
	s, err := New("d", cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	err = s.History(context.Background(), func(_ context.Context, b collector.Batch) error {
		hashBatch(h, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// hashBatch feeds every field of every row to h (binary, for speed).
func hashBatch(h stdhash.Hash, b collector.Batch) {
	var buf []byte
	str := func(v string) { buf = append(binary.AppendUvarint(buf, uint64(len(v))), v...) }
	num := func(v uint64) { buf = binary.LittleEndian.AppendUint64(buf, v) }
	flt := func(v float64) { num(math.Float64bits(v)) }
	for _, r := range b.Reports {
		str(r.Period)
		num(uint64(r.PeriodStart.Unix()))
		str(r.Publisher)
		str(r.Basis)
		str(r.Network)
		flt(r.Share)
		str(string(r.Bound))
		str(r.Note)
	}
	for _, s := range b.Samples {
		num(uint64(s.TS.UnixMilli()))
		str(s.Source)
		str(s.Network)
		str(s.Metric)
		str(s.Segment)
		flt(s.Value)
	}
	for _, s := range b.Bridges {
		num(uint64(s.TS.UnixMilli()))
		str(s.Source)
		str(s.Bridge)
		str(s.FromNetwork)
		str(s.ToNetwork)
		num(s.Messages)
		num(s.Failures)
		num(s.Bytes)
		flt(s.LatencySum)
		for _, k := range slices.Sorted(maps.Keys(s.Latency)) {
			num(k)
			num(s.Latency[k])
		}
	}
	for _, p := range b.Panel {
		num(uint64(p.Period.Unix()))
		num(p.UserKey)
		str(p.Network)
		str(p.Segment)
		num(uint64(p.ActiveDays))
		num(p.Messages)
	}
	h.Write(buf)
}

func TestDeterminism(t *testing.T) {
	cfg := smallConfig(1)
	cfg.PanelUsers = 5_000
	a, b := digest(t, cfg), digest(t, cfg)
	if a != b {
		t.Errorf("same seed, different rows: %s vs %s", a, b)
	}
	cfg.Seed = 2
	if c := digest(t, cfg); c == a {
		t.Errorf("seeds 1 and 2 gave identical rows")
	}
}

func TestRowsUseCatalogMetrics(t *testing.T) {
	d := defaultSmall(t)
	seen := map[string]bool{}
	for _, s := range d.samples {
		if !seen[s.Metric] {
			seen[s.Metric] = true
			if _, err := imscope.LookupMetric(s.Metric); err != nil {
				t.Errorf("metric %q: %v", s.Metric, err)
			}
		}
	}
	if len(seen) != len(imscope.Metrics) {
		t.Errorf("history uses %d metrics, the catalog has %d", len(seen), len(imscope.Metrics))
	}
	for i, name := range metricNames {
		m, err := imscope.LookupMetric(name)
		if err == nil && (m.Kind == imscope.Counter) != isCounter(i) {
			t.Errorf("%s: isCounter = %v, catalog kind %s", name, isCounter(i), m.Kind)
		}
	}
}

func TestRowsCarrySourceAndKnownNetworks(t *testing.T) {
	d := defaultSmall(t)
	known := map[string]bool{}
	for _, n := range networks {
		known[n.id] = true
	}
	for _, s := range d.samples {
		if s.Source != DefaultSource || !known[s.Network] {
			t.Fatalf("sample %+v: want source %q and a known network", s, DefaultSource)
		}
	}
	for _, b := range d.bridges {
		if b.Source != DefaultSource || !known[b.FromNetwork] || !known[b.ToNetwork] || b.FromNetwork == b.ToNetwork {
			t.Fatalf("bridge sample %+v: bad source or networks", b)
		}
	}
	for _, p := range d.panel {
		if !known[p.Network] || !slices.Contains(DefaultSegments, p.Segment) {
			t.Fatalf("panel record %+v: bad network or segment", p)
		}
	}
}

// TestMarketReportsMatchSeed holds the built-in figures to the published
// ones, testdata/im-share-q3.csv (a copy of the reference file; see
// testdata/README.md), so the demo's published shares cannot drift from
// the source they quote.
func TestMarketReportsMatchSeed(t *testing.T) {
	f, err := os.Open("testdata/im-share-q3.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var want []imscope.MarketReport
	for _, r := range recs[1:] { // period,publisher,basis,network,share_pct,bound,note
		share, err := strconv.ParseFloat(r[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, imscope.MarketReport{
			Period: r[0], PeriodStart: time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC), Publisher: r[1],
			Basis: r[2], Network: r[3], Share: share, Bound: imscope.Bound(r[5]), Note: r[6],
		})
	}
	got := defaultSmall(t).reports
	if !slices.Equal(got, want) {
		t.Errorf("market reports:\n got %+v\nwant %+v", got, want)
	}
}

func TestHistoryStopsOnEmitError(t *testing.T) {
	s, err := New("e", smallConfig(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("pipeline full")
	calls := 0
	err = s.History(context.Background(), func(context.Context, collector.Batch) error {
		calls++
		if calls == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls != 2 {
		t.Errorf("History() = %v after %d calls, want %v after 2", err, calls, boom)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = s.History(ctx, func(context.Context, collector.Batch) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("History(cancelled) = %v, want context.Canceled", err)
	}
}

// TestOtherWindows runs windows around the bridges' openings and outside
// the calibrated years: History must work and keep its promises.
func TestOtherWindows(t *testing.T) {
	tests := []struct {
		start        string
		months       int
		gran         string
		bridges      bool // expect bridge traffic
		panelPeriods int
	}{
		{"2005-01", 24, "quarter", false, 8},
		{"2011-06", 1, "month", true, 1},
		{"2012-12", 1, "quarter", true, 0},
		{"2013-01", 6, "month", true, 6},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s+%d", tc.start, tc.months), func(t *testing.T) {
			d := history(t, Config{Start: tc.start, Months: tc.months, PanelUsers: 500, PanelGranularity: tc.gran})
			start, end := d.src.Window()
			if (len(d.bridges) > 0) != tc.bridges {
				t.Errorf("%d bridge rows, want traffic: %v", len(d.bridges), tc.bridges)
			}
			for _, inc := range d.src.Incidents(start, end) {
				if inc.From.Before(start) || inc.To.After(end) {
					t.Errorf("incident %v outside the window", inc)
				}
			}
			if tc.bridges && len(d.src.Incidents(end.Add(-minuteWindow), end)) == 0 {
				t.Errorf("no incident in the final 48 hours")
			}
			periods := map[time.Time]bool{}
			for _, p := range d.panel {
				periods[p.Period] = true
			}
			if len(periods) != tc.panelPeriods {
				t.Errorf("panel covers %d periods, want %d", len(periods), tc.panelPeriods)
			}
			if want := int(end.Sub(start).Hours()/24) * nNet * 5 * nMetric; len(d.samples) != want {
				t.Errorf("%d usage samples, want %d", len(d.samples), want)
			}
		})
	}
}
