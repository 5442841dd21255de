package csvimport

import (
	"fmt"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// usageMapper maps ts,network,metric,value,segment rows onto Samples.
type usageMapper struct {
	source string
	labels interner
}

// ClickHouse's DateTime64, which usage_samples.ts is, spans these years.
const minTSYear, maxTSYear = 1900, 2299

func (m *usageMapper) add(r *row, b *collector.Batch) {
	rawTS := strings.TrimSpace(r.cell(useTS))
	ts, err := parseTS(rawTS)
	switch {
	case rawTS == "":
		r.fail(useTS, "empty")
	case err != nil:
		r.fail(useTS, "%s %v", r.show(rawTS), err)
	}
	s := imscope.Sample{
		TS:      ts,
		Source:  m.source,
		Network: r.label(useNetwork, true),
		Segment: r.label(useSegment, false),
		Value:   r.number(useValue, false),
	}
	name := strings.TrimSpace(r.cell(useMetric))
	if met, err := imscope.LookupMetric(name); err != nil {
		r.fail(useMetric, "%s is not a known metric (%s)", r.show(name), metricNames())
	} else {
		s.Metric = met.Name
	}
	if len(r.errs) > 0 {
		return
	}
	s.Network = m.labels.get(s.Network)
	s.Segment = m.labels.get(s.Segment)
	b.Samples = append(b.Samples, s)
}

// parseTS reads an RFC 3339 time (2010-07-01T08:00:00+08:00, fractions
// allowed) or a date (2010-07-01, midnight UTC), and returns it in UTC. Its
// errors are to follow the quoted cell.
func parseTS(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.Parse(time.DateOnly, s)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("is not an RFC 3339 time (2010-07-01T08:00:00Z) or a date (2010-07-01)")
	}
	t = t.UTC()
	if y := t.Year(); y < minTSYear || y > maxTSYear {
		return time.Time{}, fmt.Errorf("has a year outside %d to %d", minTSYear, maxTSYear)
	}
	return t, nil
}

func metricNames() string {
	names := make([]string, len(imscope.Metrics))
	for i, m := range imscope.Metrics {
		names[i] = m.Name
	}
	return "known: " + strings.Join(names, ", ")
}
