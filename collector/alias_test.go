package collector

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

// The order an id resolves in (alias.go): a catalog id stays itself even
// when a glob matches it, an exact alias beats an earlier glob, the first
// glob in config order wins between overlapping ones, and an id nothing
// claims is kept.
func TestAliasesResolve(t *testing.T) {
	a := newAliases([]imscope.Network{
		{ID: "matrix", Aliases: []string{"*.org"}},
		{ID: "qq", Aliases: []string{"QQ", "xmpp.qq.example", "*.qq.example", "im.qq.???"}},
		{ID: "tencent.org"},
		{ID: "example", Aliases: []string{"*.example", "matrix.org"}},
	})
	tests := []struct{ in, want string }{
		{"qq", "qq"},
		{"QQ", "qq"},
		{"qq ", "qq "},                 // exact means exact
		{"Qq", "Qq"},                   // and case-sensitive
		{"tencent.org", "tencent.org"}, // a catalog id, though *.org matches it
		{"matrix.org", "example"},      // an exact alias beats the earlier glob *.org
		{"synapse.org", "matrix"},      // a glob
		{"a.qq.example", "qq"},         // *.qq.example comes before *.example
		{"other.example", "example"},
		{"im.qq.com", "qq"},
		{"im.qq.co", "im.qq.co"},
		{"icq", "icq"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := a.resolve(tc.in); got != tc.want {
				t.Errorf("resolve(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// apply rewrites every network a batch names, both ends of a bridge row
// included, and leaves a batch alone when no alias is configured.
func TestAliasesApply(t *testing.T) {
	a := newAliases([]imscope.Network{{ID: "qq", Aliases: []string{"QQ"}}, {ID: "msn", Aliases: []string{"*.msn.example"}}})
	b := Batch{
		Samples: []imscope.Sample{{Network: "QQ"}, {Network: "icq"}},
		Bridges: []imscope.BridgeSample{{FromNetwork: "QQ", ToNetwork: "gw.msn.example"}},
		Panel:   []imscope.PanelRecord{{Network: "gw.msn.example"}},
		Reports: []imscope.MarketReport{{Network: "QQ"}},
	}
	a.apply(&b)
	a.apply(&b) // twice changes nothing more
	got := []string{b.Samples[0].Network, b.Samples[1].Network, b.Bridges[0].FromNetwork, b.Bridges[0].ToNetwork, b.Panel[0].Network, b.Reports[0].Network}
	want := []string{"qq", "icq", "qq", "msn", "msn", "qq"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("networks after apply = %q, want %q", got, want)
			break
		}
	}
	none := newAliases([]imscope.Network{{ID: "qq"}})
	c := Batch{Samples: []imscope.Sample{{Network: "QQ"}}}
	none.apply(&c)
	if !none.none() || c.Samples[0].Network != "QQ" {
		t.Errorf("no aliases: none() = %v, network %q", none.none(), c.Samples[0].Network)
	}
}

// Two labels of one network in one batch (two virtual hosts scraped
// together) become one row per key with their figures summed, and the
// batch's Lines follow the rows kept; a row repeated under one label is
// not summed but left to the key rules.
func TestAliasesSumHostsOfOneNetwork(t *testing.T) {
	a := newAliases([]imscope.Network{{ID: "qq", Aliases: []string{"*.qq.example"}}, {ID: "fed"}})
	at := time.Date(2011, 3, 1, 0, 0, 0, 0, time.UTC)
	b := Batch{
		Samples: []imscope.Sample{
			{TS: at, Network: "a.qq.example", Metric: "connections", Value: 2},
			{TS: at, Network: "b.qq.example", Metric: "connections", Value: 3},
			{TS: at, Network: "icq", Metric: "connections", Value: 1},
			{TS: at, Network: "icq", Metric: "connections", Value: 1}, // repeated: not summed
			{TS: at, Network: "a.qq.example", Metric: "active_users_1d", Value: 4},
		},
		Bridges: []imscope.BridgeSample{
			{TS: at, Bridge: "s2s", FromNetwork: "a.qq.example", ToNetwork: "fed", Messages: 1, Latency: map[uint64]uint64{100: 1}},
			{TS: at, Bridge: "s2s", FromNetwork: "b.qq.example", ToNetwork: "fed", Messages: 2, Failures: 1, Latency: map[uint64]uint64{100: 1, 200: 1}},
		},
		Lines: []int{2, 3, 4, 5, 6, 7, 8},
	}
	a.apply(&b)
	var got []string
	for _, s := range b.Samples {
		got = append(got, fmt.Sprintf("%s %s %g", s.Network, s.Metric, s.Value))
	}
	want := []string{"qq connections 5", "icq connections 1", "icq connections 1", "qq active_users_1d 4"}
	if !slices.Equal(got, want) {
		t.Errorf("samples %q, want %q", got, want)
	}
	if len(b.Bridges) != 1 || b.Bridges[0].Messages != 3 || b.Bridges[0].Failures != 1 || b.Bridges[0].Latency[100] != 2 || b.Bridges[0].Latency[200] != 1 {
		t.Errorf("bridges %+v, want one qq→fed row with 3 messages, 1 failure, latency {100:2 200:1}", b.Bridges)
	}
	if want := []int{2, 4, 5, 6, 7}; !slices.Equal(b.Lines, want) {
		t.Errorf("lines %v, want %v (the summed rows' own lines dropped)", b.Lines, want)
	}
}
