package jsonapi

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

// Good records land; each bad one is a Problem naming the record (index and
// concrete path) and the field's path.
func TestCollectUsage(t *testing.T) {
	srv := serveTestdata(t)
	cfg := Config{URL: srv.URL + "/usage.json?api_key=s3cr3t", Records: "$.data.networks[*]", TS: "$.generated_at",
		Network: "id", Segment: "segment", Metric: "=active_users_1d", Value: "stats.dau", Source: "vendor"}
	b, err := collect(t, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2010, 9, 30, 8, 0, 0, 0, time.UTC)
	wantRows := []imscope.Sample{
		{TS: ts, Source: "vendor", Network: "qq", Metric: "active_users_1d", Segment: "students", Value: 91000000},
		{TS: ts, Source: "vendor", Network: "fetion", Metric: "active_users_1d", Value: 12000000.5},
		{TS: ts, Source: "vendor", Network: "yahoo", Metric: "active_users_1d", Value: 1000},
		{TS: ts, Source: "vendor", Network: "</script><b>\x00\"", Metric: "active_users_1d", Segment: "line\nbreak", Value: 7},
	}
	if len(b.Samples) != len(wantRows) {
		t.Fatalf("samples %+v", b.Samples)
	}
	for i, w := range wantRows {
		if g := b.Samples[i]; g != w {
			t.Errorf("sample %d = %+v\n          want %+v", i, g, w)
		}
	}
	u := srv.URL + "/usage.json: record "
	checkProblems(t, b.Problems, []want{
		{u + "2 at $.data.networks[2]", `value (stats.dau): "n/a" is not a number`},
		{u + "3 at $.data.networks[3]", `network (id): missing: @ has no member "id" (it has "segment", "stats")`},
		{u + "4 at $.data.networks[4]", `value (stats.dau): "-1" is negative`},
		{u + "5 at $.data.networks[5]", `value (stats.dau): missing: @.stats is null, not an object`},
		{u + "6 at $.data.networks[6]", `network (id): an array is not text`},
		{u + "6 at $.data.networks[6]", `value (stats.dau): true is not a number`},
		{u + "7 at $.data.networks[7]", `segment (segment): missing: @ is the string "not an object", not an object`},
		{u + "7 at $.data.networks[7]", `network (id): missing: @ is the string "not an object", not an object`},
		{u + "7 at $.data.networks[7]", `value (stats.dau): missing: @ is the string "not an object", not an object`},
	})
}

func TestCollectBridges(t *testing.T) {
	srv := serveTestdata(t)
	cfg := Config{URL: srv.URL + "/bridges.json", Kind: KindBridges, Records: "routes", TS: "$.ts",
		Bridge: "bridge", FromNetwork: "from", ToNetwork: "to", Messages: "sent", Failures: "failed", Bytes: "bytes"}
	b, err := collect(t, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2010, 9, 30, 8, 0, 0, 0, time.UTC)
	wantRows := []imscope.BridgeSample{
		{TS: ts, Source: "test", Bridge: "mautrix-whatsapp", FromNetwork: "matrix", ToNetwork: "whatsapp", Messages: 1200, Failures: 3, Bytes: 123456},
		{TS: ts, Source: "test", Bridge: "mautrix-whatsapp", FromNetwork: "whatsapp", ToNetwork: "matrix", Messages: 980, Bytes: 120000},
		{TS: ts, Source: "test", Bridge: "biboumi", FromNetwork: "xmpp", ToNetwork: "irc", Messages: math.MaxUint64},
	}
	if len(b.Bridges) != len(wantRows) {
		t.Fatalf("bridges %+v", b.Bridges)
	}
	for i, w := range wantRows {
		g := b.Bridges[i]
		if !g.TS.Equal(w.TS) || g.Source != w.Source || g.Bridge != w.Bridge || g.FromNetwork != w.FromNetwork || g.ToNetwork != w.ToNetwork ||
			g.Messages != w.Messages || g.Failures != w.Failures || g.Bytes != w.Bytes {
			t.Errorf("bridge %d = %+v\n          want %+v", i, g, w)
		}
	}
	u := srv.URL + "/bridges.json: record "
	checkProblems(t, b.Problems, []want{
		{u + "2 at $.routes[2]", "failures (failed): 11 failures of 10 messages; messages must count the failed ones too"},
		{u + "3 at $.routes[3]", `messages (sent): "2.5" is not a whole number`},
	})
}

// Records can be the members of an object, with @key for the member name.
func TestRecordsByKey(t *testing.T) {
	srv := serveTestdata(t)
	for _, records := range []string{"networks[*]", "networks.*", `$["networks"][*]`} {
		t.Run(records, func(t *testing.T) {
			cfg := Config{URL: srv.URL + "/bynetwork.json", Records: records, TS: "$.as_of", Network: "@key", Metric: "=active_users_30d", Value: "mau"}
			b, err := collect(t, cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			day := time.Date(2010, 9, 30, 0, 0, 0, 0, time.UTC)
			if len(b.Samples) != 2 || b.Samples[0] != (imscope.Sample{TS: day, Source: "test", Network: "fetion", Metric: "active_users_30d", Value: 8e7}) ||
				b.Samples[1].Network != "qq" || b.Samples[1].Value != 612e6 {
				t.Errorf("samples %+v", b.Samples)
			}
			checkProblems(t, b.Problems, []want{{srv.URL + "/bynetwork.json: record 1 at $.networks.msn", "value (mau): null"}})
		})
	}
}

// Without a ts mapping, samples carry the fetch time; the metric can come
// from the record, and then must be in the catalog.
func TestMetricFromRecordAndFetchTime(t *testing.T) {
	srv := serveTestdata(t)
	cfg := Config{URL: srv.URL + "/bridges.json", Records: "routes[*]", Network: "from", Metric: "bridge", Value: "bytes", Segment: "=all"}
	b, err := collect(t, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Samples) != 0 || len(b.Problems) != 5 {
		t.Fatalf("samples %+v, problems %v", b.Samples, b.Problems)
	}
	if p := b.Problems[0]; !strings.HasPrefix(p.Message, `metric (bridge): "mautrix-whatsapp" is not a metric of the catalog (known: active_users_1d,`) {
		t.Errorf("problem %v", p)
	}

	cfg = Config{URL: srv.URL + "/bynetwork.json", Records: "networks[*]", Network: "@key", Metric: "=registered_users", Value: "mau", Segment: "=all"}
	b, err = collect(t, cfg, Options{})
	if err != nil || len(b.Samples) != 2 || !b.Samples[0].TS.Equal(fetchedAt) || b.Samples[0].Segment != "all" {
		t.Fatalf("err %v, samples %+v", err, b.Samples)
	}
}
