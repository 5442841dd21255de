package simulate

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

// quarterShares returns each network's share (percent) of metric over the
// quarter starting at q, segment "", the period value taken by the
// metric's catalog aggregation (avg, or last).
func quarterShares(t *testing.T, samples []imscope.Sample, metric string, q time.Time) map[string]float64 {
	t.Helper()
	cat, err := imscope.LookupMetric(metric)
	if err != nil {
		t.Fatal(err)
	}
	end := imscope.Quarter.Next(q)
	sum, n, last := map[string]float64{}, map[string]float64{}, map[string]float64{}
	for _, s := range samples {
		if s.Metric != metric || s.Segment != "" || s.TS.Before(q) || !s.TS.Before(end) {
			continue
		}
		sum[s.Network] += s.Value
		n[s.Network]++
		last[s.Network] = s.Value // samples come in time order
	}
	val := map[string]float64{}
	var total float64
	for net := range sum {
		switch cat.Agg {
		case imscope.AggLast:
			val[net] = last[net]
		case imscope.AggSum:
			val[net] = sum[net]
		default:
			val[net] = sum[net] / n[net]
		}
		total += val[net]
	}
	for net := range val {
		val[net] *= 100 / total
	}
	return val
}

func TestShares2010Q3MatchPublished(t *testing.T) {
	published := map[string]float64{"qq": 76.37, "wangwang": 9.81, "fetion": 5.55, "msn": 4.34, "skype": 2.08}
	small := []string{"sinauc", "popo", "yahoo"}
	q3 := time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, seed := range []int64{1, 7} {
		var d *dataset
		if seed == 1 {
			d = defaultSmall(t)
		} else {
			c := smallConfig(seed)
			c.PanelUsers = 1000
			d = history(t, c)
		}
		for _, metric := range []string{"active_users_30d", "active_users_7d", "active_users_1d"} {
			t.Run(fmt.Sprintf("seed=%d/%s", seed, metric), func(t *testing.T) {
				got := quarterShares(t, d.samples, metric, q3)
				for net, want := range published {
					if math.Abs(got[net]-want) > 2 {
						t.Errorf("%s: %.2f%%, published %.2f%% (±2)", net, got[net], want)
					}
				}
				for _, net := range small {
					if got[net] <= 0 || got[net] >= 1 {
						t.Errorf("%s: %.2f%%, published as under 1%%", net, got[net])
					}
				}
			})
		}
	}
}

// TestShareTrends checks the story the demo tells: QQ holds and gains,
// MSN declines, Fetion rises into 2011 and falls, the small three fade.
func TestShareTrends(t *testing.T) {
	d := defaultSmall(t)
	q := func(y int, m time.Month) map[string]float64 {
		return quarterShares(t, d.samples, "active_users_30d", time.Date(y, m, 1, 0, 0, 0, 0, time.UTC))
	}
	first, mid, last := q(2010, 1), q(2011, 4), q(2012, 10)
	checks := []struct {
		what string
		ok   bool
	}{
		{"QQ gains", last["qq"] > first["qq"]},
		{"QQ stays within 70–82%", first["qq"] > 70 && last["qq"] < 82},
		{"MSN declines", first["msn"] > mid["msn"] && mid["msn"] > last["msn"]},
		{"Fetion rises then falls", mid["fetion"] > first["fetion"] && mid["fetion"] > last["fetion"]},
		{"Yahoo fades", last["yahoo"] < first["yahoo"]/2},
		{"Wangwang grows", last["wangwang"] > first["wangwang"]},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: 2010-Q1 %v, 2011-Q2 %v, 2012-Q4 %v", c.what, first, mid, last)
		}
	}
}

type seriesKey struct {
	day     int64
	network string
	segment string
}

func TestUsageInvariants(t *testing.T) {
	d := defaultSmall(t)
	start, end := d.src.Window()
	days := int(end.Sub(start).Hours() / 24)
	if want := days * nNet * (len(DefaultSegments) + 1) * nMetric; len(d.samples) != want {
		t.Errorf("%d usage samples, want %d (days × networks × segments+1 × metrics)", len(d.samples), want)
	}
	rows := map[seriesKey]*[nMetric]float64{}
	metricIndex := map[string]int{}
	for i, name := range metricNames {
		metricIndex[name] = i
	}
	for _, s := range d.samples {
		if s.Value < 0 || s.Value != math.Trunc(s.Value) || math.IsNaN(s.Value) {
			t.Fatalf("%+v: values must be whole and non-negative", s)
		}
		if s.TS.Before(start) || !s.TS.Before(end) || !s.TS.Equal(s.TS.Truncate(24*time.Hour)) {
			t.Fatalf("%+v: daily samples are stamped at 00:00 UTC inside the window", s)
		}
		k := seriesKey{s.TS.Unix(), s.Network, s.Segment}
		if rows[k] == nil {
			rows[k] = new([nMetric]float64)
		}
		rows[k][metricIndex[s.Metric]] = s.Value
	}
	for k, r := range rows {
		if !(r[mActive1d] <= r[mActive7d] && r[mActive7d] <= r[mActive30d] && r[mActive30d] <= r[mRegistered]) {
			t.Fatalf("%v: active_users_1d %v ≤ 7d %v ≤ 30d %v ≤ registered %v does not hold",
				k, r[mActive1d], r[mActive7d], r[mActive30d], r[mRegistered])
		}
		if r[mActive1d] == 0 || r[mMessages] == 0 {
			t.Fatalf("%v: a network with no daily users or messages: %v", k, r)
		}
		if k.segment != "" {
			continue
		}
		var sum [nMetric]float64
		for _, seg := range DefaultSegments {
			for i, v := range rows[seriesKey{k.day, k.network, seg}] {
				sum[i] += v
			}
		}
		if sum != *r {
			t.Fatalf("%v: whole market %v ≠ sum of segments %v", k, *r, sum)
		}
	}
}

// TestSegmentsLean checks the segment profiles show in the split: office
// workers over-use MSN, mobile users Fetion, relative to the whole market.
func TestSegmentsLean(t *testing.T) {
	d := defaultSmall(t)
	day := time.Date(2010, 8, 16, 0, 0, 0, 0, time.UTC)
	users := map[string]map[string]float64{}
	for _, s := range d.samples {
		if s.Metric == "active_users_30d" && s.TS.Equal(day) {
			if users[s.Segment] == nil {
				users[s.Segment] = map[string]float64{}
			}
			users[s.Segment][s.Network] += s.Value
			users[s.Segment]["*"] += s.Value
		}
	}
	share := func(seg, net string) float64 { return users[seg][net] / users[seg]["*"] }
	if share("office", "msn") < 1.5*share("", "msn") {
		t.Errorf("office MSN share %.3f, market %.3f", share("office", "msn"), share("", "msn"))
	}
	if share("mobile", "fetion") < 1.5*share("", "fetion") {
		t.Errorf("mobile Fetion share %.3f, market %.3f", share("mobile", "fetion"), share("", "fetion"))
	}
}

// TestCustomSegments: a segment without a built-in profile still
// partitions the market.
func TestCustomSegments(t *testing.T) {
	c := smallConfig(3)
	c.Months, c.PanelUsers, c.Segments = 2, 500, []string{"gamers", "office"}
	d := history(t, c)
	whole, parts := 0.0, 0.0
	for _, s := range d.samples {
		if s.Metric != "messages" {
			continue
		}
		if s.Segment == "" {
			whole += s.Value
		} else {
			parts += s.Value
		}
	}
	if whole == 0 || whole != parts {
		t.Errorf("messages: whole market %v, segments %v", whole, parts)
	}
}
