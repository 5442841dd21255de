package jsonapi

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// FuzzMapJSON maps arbitrary bytes as an API response, with arbitrary
// records and value paths, as usage or bridge samples: it never panics, and
// every record the records path selects either lands as a valid row or is
// reported by at least one Problem naming it.
//
//	go test ./collector/jsonapi -run '^$' -fuzz FuzzMapJSON -fuzztime 1m
func FuzzMapJSON(f *testing.F) {
	for _, name := range []string{"usage.json", "bridges.json", "bynetwork.json"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "data.networks[*]", "stats.dau", false)
		f.Add(data, "routes", "sent", true)
		f.Add(data, "networks.*", "mau", false)
	}
	f.Add([]byte(`[1,"2",null,{"n":-0},{"n":1e400},{"n":"0x10"}]`), "", "n", false)
	f.Add([]byte(`{"a":[[{"n":1}],[{"n":2}]]}`), "a[*][*]", `["n"]`, true)

	f.Fuzz(func(t *testing.T, body []byte, records, value string, bridges bool) {
		cfg := Config{URL: "http://127.0.0.1/fuzz", Records: records, Network: "@key", Metric: "=messages", Value: value, Segment: "seg", TS: "ts"}
		if bridges {
			cfg = Config{URL: cfg.URL, Kind: KindBridges, Records: records, Bridge: "=b", FromNetwork: "@key", ToNetwork: "to",
				Messages: value, Failures: "failed", TS: "$.ts"}
		}
		src, err := New("fuzz", cfg, withDefaults(Options{}))
		if err != nil {
			return // a path that does not parse: Validate's job
		}
		doc, err := decode(body)
		if err != nil {
			return
		}
		b, st, err := src.mapDocument(doc, fetchedAt, src.m, src.where)
		if err != nil {
			if b.Rows() > 0 {
				t.Fatalf("error %v with rows", err)
			}
			return
		}
		if b.Rows()+st.bad != st.records {
			t.Fatalf("%d records: %d rows + %d bad", st.records, b.Rows(), st.bad)
		}
		named := map[int]bool{}
		for _, p := range b.Problems {
			if !strings.HasPrefix(p.Where, "http://127.0.0.1/fuzz: ") || p.Message == "" {
				t.Fatalf("problem %q", p.Error())
			}
			rest := strings.TrimPrefix(p.Where, "http://127.0.0.1/fuzz: ")
			if after, ok := strings.CutPrefix(rest, "record "); ok {
				i, err := strconv.Atoi(after[:strings.IndexByte(after, ' ')])
				if err != nil || i < 0 || i >= st.records {
					t.Fatalf("problem names no record: %q", p.Error())
				}
				named[i] = true
			}
		}
		if len(named) != st.bad {
			t.Fatalf("%d bad records, problems name %d", st.bad, len(named))
		}
		for _, s := range b.Samples {
			if s.Metric != "messages" || s.Network == "" || s.Value < 0 || math.IsNaN(s.Value) || math.IsInf(s.Value, 0) || s.TS.IsZero() {
				t.Fatalf("bad sample landed: %+v", s)
			}
		}
		for _, s := range b.Bridges {
			if s.Bridge != "b" || s.FromNetwork == "" || s.ToNetwork == "" || s.Failures > s.Messages || s.TS.IsZero() {
				t.Fatalf("bad bridge sample landed: %+v", s)
			}
		}
	})
}
