package simulate

import (
	"fmt"
	"time"

	"github.com/imscope/imscope"
)

// model is everything derived from a Config that the generators share. It
// is immutable after newModel, so History and Collect can use it at once.
type model struct {
	seed       uint64
	source     string
	start, end time.Time // the history window [start, end)
	segs       []segmentProfile
	// split[n][s] is the fraction of network n's users in segment s.
	split      [nNet][]float64
	panelUsers int
	panelGran  imscope.Granularity
	bridges    []*bridge
	incidents  []Incident // history incidents, sorted by start
	// trafficOnlyLive: live minutes carry bridge traffic only.
	trafficOnlyLive bool
}

func newModel(cfg Config) (*model, error) {
	start, err := time.Parse("2006-01", cfg.Start)
	if err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	m := &model{
		seed:            uint64(cfg.Seed),
		source:          cfg.Source,
		start:           start.UTC(),
		end:             start.UTC().AddDate(0, cfg.Months, 0),
		panelUsers:      cfg.PanelUsers,
		panelGran:       imscope.Granularity(cfg.PanelGranularity),
		trafficOnlyLive: cfg.TrafficOnlyLive,
	}
	for _, name := range cfg.Segments {
		m.segs = append(m.segs, profileFor(name))
	}
	for n := range nNet {
		var sum float64
		for _, p := range m.segs {
			sum += p.weight * p.affinity[n]
		}
		m.split[n] = make([]float64, len(m.segs))
		for s, p := range m.segs {
			m.split[n][s] = p.weight * p.affinity[n] / sum
		}
	}
	m.bridges = newBridges()
	m.incidents = m.historyIncidents()
	return m, nil
}

// h hashes values under the model's seed.
// m.h(a, b) == hash(seed, a, b).
func (m *model) h(vals ...uint64) uint64 {
	h := mix64(hashInit ^ m.seed)
	for _, v := range vals {
		h = mix64(h ^ v)
	}
	return h
}
