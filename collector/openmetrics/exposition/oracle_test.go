package exposition

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// The differential tests hold the Parser to expfmt: both read a body into
// client_model families — expfmt as imscope used it before (the text parser
// with UTF-8 names; OpenMetrics 1.0 without escaping, families of one name
// merged) and this package through parsed(), which builds them from
// Samples — and the two must agree exactly, or both refuse the body on the
// same line.

// verdict is what a parser made of a body: its families, rendered
// comparably, or the line of its error.
type verdict struct {
	fams    map[string]string
	line    int  // the error's line; 0 when none
	refused bool // an error (or, for expfmt, a panic)
	err     error
}

// oracle parses body with expfmt.
func oracle(body []byte, f Format) (v verdict) {
	defer func() {
		if p := recover(); p != nil {
			v = verdict{refused: true, err: fmt.Errorf("expfmt panicked: %v", p)}
		}
	}()
	var fams map[string]*dto.MetricFamily
	var err error
	if f == OpenMetrics {
		fams = map[string]*dto.MetricFamily{}
		d := expfmt.NewDecoder(bytes.NewReader(body), expfmt.FmtOpenMetrics_1_0_0.WithEscapingScheme(model.NoEscaping))
		for {
			mf := &dto.MetricFamily{}
			if err = d.Decode(mf); err != nil {
				break
			}
			if prev, ok := fams[mf.GetName()]; ok {
				prev.Metric = append(prev.Metric, mf.Metric...)
				continue
			}
			fams[mf.GetName()] = mf
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
	} else {
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err = p.TextToMetricFamilies(bytes.NewReader(body))
	}
	if err != nil {
		v := verdict{refused: true, err: err}
		var pe expfmt.ParseError
		if errors.As(err, &pe) {
			v.line = pe.Line
		}
		return v
	}
	return verdict{fams: render(fams)}
}

// ours parses body with the Parser.
func ours(body []byte, f Format) verdict {
	fams, err := parsed(NewParser(), bytes.NewReader(body), f)
	if err != nil {
		v := verdict{refused: true, err: err}
		var pe *ParseError
		if errors.As(err, &pe) {
			v.line = pe.Line
		}
		return v
	}
	return verdict{fams: render(fams)}
}

// parsed builds client_model families from the Parser's samples, the way
// expfmt fills them: each sample finds its family (dtoFamily) and its series
// (newMetric, on its first line), then sets its part of the series
// (setTimestamp, setValue); histograms are normalised at the end.
func parsed(p *Parser, r io.Reader, f Format) (map[string]*dto.MetricFamily, error) {
	p.Reset(r, f)
	fams := map[string]*dto.MetricFamily{}
	byFamily := map[*Family]*dto.MetricFamily{}
	series := map[int]*dto.Metric{}
	for {
		s, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		mf := dtoFamily(fams, byFamily, s.Family)
		m := series[s.Series]
		if s.New {
			m = newMetric(s)
			series[s.Series] = m
			mf.Metric = append(mf.Metric, m)
		}
		setTimestamp(m, s, f)
		setValue(m, s)
	}
	for _, m := range series {
		normalizeHistogram(m.GetHistogram())
	}
	return fams, nil
}

// dtoFamily is the client_model family of fam, made on its first sample:
// families of one name (an OpenMetrics family resumed after another, which
// expfmt reads as two) are merged, as oracle does.
func dtoFamily(fams map[string]*dto.MetricFamily, byFamily map[*Family]*dto.MetricFamily, fam *Family) *dto.MetricFamily {
	if mf := byFamily[fam]; mf != nil {
		return mf
	}
	mf := fams[fam.Name]
	if mf == nil {
		mf = &dto.MetricFamily{Name: proto.String(fam.Name), Type: dto.MetricType(fam.Type).Enum()}
		if fam.HasHelp {
			mf.Help = proto.String(fam.Help)
		}
		if fam.Unit != "" {
			mf.Unit = proto.String(fam.Unit)
		}
		fams[fam.Name] = mf
	}
	byFamily[fam] = mf
	return mf
}

// newMetric is the series a sample starts: its labels, and the empty value
// of its family's type.
func newMetric(s *Sample) *dto.Metric {
	m := &dto.Metric{}
	for _, l := range s.Labels(nil) {
		m.Label = append(m.Label, &dto.LabelPair{Name: proto.String(l.Name), Value: proto.String(l.Value)})
	}
	switch s.Family.Type {
	case Counter:
		m.Counter = &dto.Counter{}
	case Gauge:
		m.Gauge = &dto.Gauge{}
	case Untyped:
		m.Untyped = &dto.Untyped{}
	case Summary:
		m.Summary = &dto.Summary{}
	default:
		m.Histogram = &dto.Histogram{}
	}
	return m
}

// setTimestamp is expfmt's keeping of a series' timestamp: the last line's
// that has one; an OpenMetrics counter's is its _total line's, even none.
// _created lines leave it alone.
func setTimestamp(m *dto.Metric, s *Sample, f Format) {
	switch {
	case s.Role == RoleCreated:
	case f == OpenMetrics && m.Counter != nil:
		m.TimestampMs = nil
		if s.HasTimestamp {
			m.TimestampMs = proto.Int64(s.TimestampMs)
		}
	case s.HasTimestamp:
		m.TimestampMs = proto.Int64(s.TimestampMs)
	}
}

// setValue sets the part of its series a sample is: the value, a created
// timestamp, or a summary's or histogram's part (setSummary, setHistogram).
func setValue(m *dto.Metric, s *Sample) {
	v := s.Value
	switch {
	case m.Counter != nil:
		if s.Role == RoleCreated {
			m.Counter.CreatedTimestamp = createdOf(s)
		} else {
			m.Counter.Value = proto.Float64(v)
		}
	case m.Gauge != nil:
		m.Gauge.Value = proto.Float64(v)
	case m.Untyped != nil:
		m.Untyped.Value = proto.Float64(v)
	case m.Summary != nil:
		setSummary(m.Summary, s)
	case m.Histogram != nil:
		setHistogram(m.Histogram, s)
	}
}

// createdOf is a _created line's timestamp, as expfmt stores it.
func createdOf(s *Sample) *timestamppb.Timestamp {
	return &timestamppb.Timestamp{Seconds: s.Created.Seconds, Nanos: s.Created.Nanos}
}

// setSummary sets a summary's count, sum, quantile or created timestamp.
func setSummary(sm *dto.Summary, s *Sample) {
	v := s.Value
	switch s.Role {
	case RoleCount:
		sm.SampleCount = proto.Uint64(uint64(v))
	case RoleSum:
		sm.SampleSum = proto.Float64(v)
	case RoleQuantile:
		sm.Quantile = append(sm.Quantile, &dto.Quantile{Quantile: proto.Float64(s.Bound), Value: proto.Float64(v)})
	case RoleCreated:
		sm.CreatedTimestamp = createdOf(s)
	}
}

// setHistogram sets a histogram's count, sum, bucket or created timestamp;
// expfmt stores a whole count as an integer, any other as a float.
func setHistogram(h *dto.Histogram, s *Sample) {
	v := s.Value
	switch s.Role {
	case RoleCount:
		if u := uint64(v); float64(u) == v {
			h.SampleCount = proto.Uint64(u)
		} else {
			h.SampleCountFloat = proto.Float64(v)
		}
	case RoleSum:
		h.SampleSum = proto.Float64(v)
	case RoleBucket:
		b := &dto.Bucket{UpperBound: proto.Float64(s.Bound)}
		if u := uint64(v); float64(u) == v {
			b.CumulativeCount = proto.Uint64(u)
		} else {
			b.CumulativeCountFloat = proto.Float64(v)
		}
		h.Bucket = append(h.Bucket, b)
	case RoleCreated:
		h.CreatedTimestamp = createdOf(s)
	}
}

// normalizeHistogram is expfmt's: one float count makes every count of the
// histogram float. h may be nil (not a histogram).
func normalizeHistogram(h *dto.Histogram) {
	if h == nil {
		return
	}
	floats := h.GetSampleCountFloat() != 0
	for _, b := range h.GetBucket() {
		floats = floats || b.GetCumulativeCountFloat() != 0
	}
	if !floats {
		return
	}
	if h.GetSampleCountFloat() == 0 {
		h.SampleCountFloat, h.SampleCount = proto.Float64(float64(h.GetSampleCount())), nil
	}
	for _, b := range h.GetBucket() {
		if b.GetCumulativeCountFloat() == 0 {
			b.CumulativeCountFloat, b.CumulativeCount = proto.Float64(float64(b.GetCumulativeCount())), nil
		}
	}
}

// render writes each family out in a form that compares: NaN equal to NaN,
// integer and float counts alike (expfmt stores a count as either), and
// exemplars left out (the Parser drops them).
func render(fams map[string]*dto.MetricFamily) map[string]string {
	out := make(map[string]string, len(fams))
	for name, mf := range fams {
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s", mf.GetName(), mf.GetType())
		if mf.Help != nil {
			fmt.Fprintf(&b, " help=%q", mf.GetHelp())
		}
		if mf.Unit != nil {
			fmt.Fprintf(&b, " unit=%q", mf.GetUnit())
		}
		b.WriteByte('\n')
		for _, m := range mf.GetMetric() {
			b.WriteString("  {")
			for i, l := range m.GetLabel() {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "%q=%q", l.GetName(), l.GetValue())
			}
			b.WriteString("}")
			if m.TimestampMs != nil {
				fmt.Fprintf(&b, " @%d", m.GetTimestampMs())
			}
			switch {
			case m.Counter != nil:
				fmt.Fprintf(&b, " counter %s", num(m.Counter.Value))
				if c := m.Counter.CreatedTimestamp; c != nil {
					fmt.Fprintf(&b, " created %d.%09d", c.GetSeconds(), c.GetNanos())
				}
			case m.Gauge != nil:
				fmt.Fprintf(&b, " gauge %s", num(m.Gauge.Value))
			case m.Untyped != nil:
				fmt.Fprintf(&b, " untyped %s", num(m.Untyped.Value))
			case m.Summary != nil:
				s := m.Summary
				fmt.Fprintf(&b, " summary count=%s sum=%s", uintNum(s.SampleCount), num(s.SampleSum))
				for _, q := range s.GetQuantile() {
					fmt.Fprintf(&b, " q%s=%s", num(q.Quantile), num(q.Value))
				}
				if c := s.CreatedTimestamp; c != nil {
					fmt.Fprintf(&b, " created %d.%09d", c.GetSeconds(), c.GetNanos())
				}
			case m.Histogram != nil:
				h := m.Histogram
				count := uintNum(h.SampleCount)
				if h.SampleCountFloat != nil {
					count = num(h.SampleCountFloat)
				}
				fmt.Fprintf(&b, " histogram count=%s sum=%s", count, num(h.SampleSum))
				for _, bk := range h.GetBucket() {
					c := uintNum(bk.CumulativeCount)
					if bk.CumulativeCountFloat != nil {
						c = num(bk.CumulativeCountFloat)
					}
					fmt.Fprintf(&b, " le%s=%s", num(bk.UpperBound), c)
				}
				if c := h.CreatedTimestamp; c != nil {
					fmt.Fprintf(&b, " created %d.%09d", c.GetSeconds(), c.GetNanos())
				}
			}
			b.WriteByte('\n')
		}
		out[name] = b.String()
	}
	return out
}

func num(f *float64) string {
	if f == nil {
		return "nil"
	}
	if math.IsNaN(*f) {
		return "NaN"
	}
	return fmt.Sprint(*f)
}

func uintNum(u *uint64) string {
	if u == nil {
		return "nil"
	}
	return fmt.Sprint(float64(*u))
}

// differ says how two verdicts on one body differ, or "".
func differ(want, got verdict) string {
	switch {
	case want.refused && !got.refused:
		return fmt.Sprintf("expfmt refuses (%v), the Parser accepts", want.err)
	case !want.refused && got.refused:
		return fmt.Sprintf("expfmt accepts, the Parser refuses: %v", got.err)
	case want.refused:
		if want.line != 0 && got.line != want.line {
			return fmt.Sprintf("expfmt refuses line %d (%v), the Parser line %d (%v)", want.line, want.err, got.line, got.err)
		}
		return ""
	}
	names := make([]string, 0, len(want.fams)+len(got.fams))
	for n := range want.fams {
		names = append(names, n)
	}
	for n := range got.fams {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range slices.Compact(names) {
		if want.fams[n] != got.fams[n] {
			return fmt.Sprintf("family %q:\nexpfmt:\n%s\nParser:\n%s", n, want.fams[n], got.fams[n])
		}
	}
	return ""
}
