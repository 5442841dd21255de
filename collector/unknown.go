package collector

import (
	"fmt"

	"github.com/imscope/imscope"
)

// Rows that name a network outside the configured catalog are stored as
// given, under the raw id, and flagged rather than refused: refusing them
// would lose data that a catalog entry added later will name, and an
// operator's label (a virtual host, a vendor's spelling) is worth seeing
// rather than silently dropping. They are flagged three ways:
//
//   - a run warns once per unknown id, at the first row naming it (Runner);
//   - the writer counts every row it stores naming one in
//     imscope_rows_unknown_network_total{network} (Metrics.countUnknown);
//   - the Collectors page lists the ids found in ClickHouse with their row
//     counts (queries.UnknownNetworks), which a restart does not forget.

// catalog is the set of network ids the configuration names. It is empty
// when a Writer was given no catalog (tests, tools), and then nothing is
// flagged.
type catalog map[string]bool

func newCatalog(networks []imscope.Network) catalog {
	c := make(catalog, len(networks))
	for _, n := range networks {
		c[n.ID] = true
	}
	return c
}

// unknown reports whether id is outside a catalog that names any network.
func (c catalog) unknown(id string) bool { return len(c) > 0 && !c[id] }

// eachNetwork calls f with every network id the rows of b name, with the
// row's index in the order Batch.Lines counts rows (samples, bridges,
// panel, reports; bridge states name no network). A bridge row names both
// of its ends, an id at both ends once.
func eachNetwork(b Batch, f func(row int, id string)) {
	i := 0
	for _, s := range b.Samples {
		f(i, s.Network)
		i++
	}
	for _, s := range b.Bridges {
		f(i, s.FromNetwork)
		if s.ToNetwork != s.FromNetwork {
			f(i, s.ToNetwork)
		}
		i++
	}
	for _, p := range b.Panel {
		f(i, p.Network)
		i++
	}
	for _, r := range b.Reports {
		f(i, r.Network)
		i++
	}
}

// runUnknown remembers which unknown ids a run has warned about, so that a
// run over a million rows of one unknown network warns once.
type runUnknown struct {
	catalog catalog
	warned  map[string]bool
}

// warnings returns a warning for each unknown id in b not warned about
// earlier in the run, placed at the first row naming it.
func (u *runUnknown) warnings(b Batch) []Problem {
	if len(u.catalog) == 0 {
		return nil
	}
	var out []Problem
	at := origins{file: b.Where, lines: b.Lines}
	eachNetwork(b, func(row int, id string) {
		if !u.catalog.unknown(id) || u.warned[id] {
			return
		}
		if u.warned == nil {
			u.warned = map[string]bool{}
		}
		u.warned[id] = true
		out = append(out, Problem{Where: at.where(row), Warning: true,
			Message: fmt.Sprintf("network %q is not in the catalog: its rows are kept under that id and counted as unknown (add it to the config's networks to name it)", id)})
	})
	return out
}

// unknownTally counts, during one store, the rows stored that name each
// unknown id: its methods are storeByKey's fresh callbacks, so a row whose
// key was stored already, or that was refused, is not counted again.
type unknownTally struct {
	catalog catalog
	rows    map[string]int
}

func (t *unknownTally) name(id string) {
	if !t.catalog.unknown(id) {
		return
	}
	if t.rows == nil {
		t.rows = map[string]int{}
	}
	t.rows[id]++
}

func (t *unknownTally) sample(s imscope.Sample) { t.name(s.Network) }

func (t *unknownTally) bridge(s imscope.BridgeSample) {
	t.name(s.FromNetwork)
	if s.ToNetwork != s.FromNetwork {
		t.name(s.ToNetwork)
	}
}

func (t *unknownTally) panel(p imscope.PanelRecord) { t.name(p.Network) }

func (t *unknownTally) report(r imscope.MarketReport) { t.name(r.Network) }
