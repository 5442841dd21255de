package collector

import (
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// maxUnknownNetworkLabels bounds the label values of
// imscope_rows_unknown_network_total: the first 50 distinct unknown ids a
// process stores rows for get a label each, and rows naming any later one
// are counted under network="_other_". The ids come from the data, so
// without a bound a feed of random labels would grow the scrape without
// limit; 50 is well above the tail of networks a market has (the Chinese
// market of 2010 had some 30 with 100,000 users) and small for Prometheus.
// The Collectors page lists every id, from ClickHouse.
const maxUnknownNetworkLabels = 50

// otherUnknownNetwork is the label rows past maxUnknownNetworkLabels count under.
const otherUnknownNetwork = "_other_"

// Metrics are the collector pipeline's own Prometheus metrics, served by the
// dashboard at /metrics.
type Metrics struct {
	Scrapes       *prometheus.CounterVec // runs by collector and outcome
	Rows          *prometheus.CounterVec // rows stored by table
	NotStored     *prometheus.CounterVec // rows not stored, by table and reason
	Problems      *prometheus.CounterVec // bad input by collector
	Errors        *prometheus.CounterVec // failures by stage
	Dropped       prometheus.Counter     // rows lost because the spool was full
	SpoolSegments prometheus.Gauge
	SpoolBytes    prometheus.Gauge
	BatchSeconds  prometheus.Histogram
	RunSeconds    *prometheus.HistogramVec
	// UnknownNetwork counts rows stored naming a network outside the
	// catalog, by that id (bounded: maxUnknownNetworkLabels).
	UnknownNetwork *prometheus.CounterVec

	unknownMu     sync.Mutex
	unknownLabels map[string]bool // ids with a label of their own
}

// NewMetrics creates the metrics and registers them with reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Scrapes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imscope_collector_runs_total", Help: "Collector runs by collector and status."}, []string{"collector", "status"}),
		Rows:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imscope_rows_stored_total", Help: "Rows stored in ClickHouse by table."}, []string{"table"}),
		NotStored: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imscope_rows_not_stored_total",
			Help: "Rows handed to the pipeline and not stored, by table and reason: existing (key stored with the same figures), repeated (twice in one batch), conflict (key stored with other figures), refused (a value does not fit its column)."},
			[]string{"table", "reason"}),
		Problems:      prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imscope_collector_problems_total", Help: "Malformed input found by collectors (rows skipped)."}, []string{"collector"}),
		Errors:        prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imscope_pipeline_errors_total", Help: "Pipeline failures by stage."}, []string{"stage"}),
		Dropped:       prometheus.NewCounter(prometheus.CounterOpts{Name: "imscope_rows_dropped_total", Help: "Rows dropped because ClickHouse was unavailable and the spool was full."}),
		SpoolSegments: prometheus.NewGauge(prometheus.GaugeOpts{Name: "imscope_spool_segments", Help: "Batches waiting in the spool for ClickHouse."}),
		SpoolBytes:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "imscope_spool_bytes", Help: "Bytes waiting in the spool."}),
		BatchSeconds:  prometheus.NewHistogram(prometheus.HistogramOpts{Name: "imscope_batch_insert_seconds", Help: "Time to insert one batch.", Buckets: prometheus.ExponentialBuckets(0.001, 4, 9)}),
		RunSeconds:    prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "imscope_collector_run_seconds", Help: "Collector run duration.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 9)}, []string{"collector"}),
		UnknownNetwork: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imscope_rows_unknown_network_total",
			Help: fmt.Sprintf("Rows stored that name a network not in the catalog, by that id (a bridge row counts for each unknown end). The first %d distinct ids get a label each; rows naming later ones count under network=%q.", maxUnknownNetworkLabels, otherUnknownNetwork)},
			[]string{"network"}),
		unknownLabels: map[string]bool{},
	}
	if reg != nil {
		reg.MustRegister(m.Scrapes, m.Rows, m.NotStored, m.Problems, m.Errors, m.Dropped, m.SpoolSegments, m.SpoolBytes, m.BatchSeconds, m.RunSeconds, m.UnknownNetwork)
	}
	return m
}

// count adds one table's outcome to the row counters.
func (m *Metrics) count(table string, o Outcome) {
	m.Rows.WithLabelValues(table).Add(float64(o.Stored()))
	for reason, n := range map[string]int{"existing": o.Existing, "repeated": o.Repeated, "conflict": o.Conflicts, "refused": o.Refused} {
		if n > 0 {
			m.NotStored.WithLabelValues(table, reason).Add(float64(n))
		}
	}
}

// countUnknown adds the rows stored per unknown network id, keeping the
// label values bounded: an id gets a label of its own while fewer than
// maxUnknownNetworkLabels have one (taken in id order within one call, so
// the same data labels the same ids), and counts under "_other_" after.
func (m *Metrics) countUnknown(rows map[string]int) {
	if len(rows) == 0 {
		return
	}
	m.unknownMu.Lock()
	defer m.unknownMu.Unlock()
	for _, id := range slices.Sorted(maps.Keys(rows)) {
		label := id
		if !m.unknownLabels[id] {
			if len(m.unknownLabels) < maxUnknownNetworkLabels {
				m.unknownLabels[id] = true
			} else {
				label = otherUnknownNetwork
			}
		}
		m.UnknownNetwork.WithLabelValues(label).Add(float64(rows[id]))
	}
}
