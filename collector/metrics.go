package collector

import "github.com/prometheus/client_golang/prometheus"

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
	}
	if reg != nil {
		reg.MustRegister(m.Scrapes, m.Rows, m.NotStored, m.Problems, m.Errors, m.Dropped, m.SpoolSegments, m.SpoolBytes, m.BatchSeconds, m.RunSeconds)
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
