package exposition

import (
	"bytes"
	"io"
	"testing"
)

// maxOpenMetricsFuzz bounds the OpenMetrics bodies the fuzzer compares:
// expfmt's OpenMetrics parser takes milliseconds a line, and long inputs
// would only slow the fuzzer down.
const maxOpenMetricsFuzz = 512

// FuzzParse is the differential fuzz target: for any body, the Parser and
// expfmt agree on the families, types, series, labels, values and
// timestamps, or both refuse it on the same line. It also reads each body a
// second time with the same Parser, in pieces of one byte, which must change
// nothing: the Parser keeps state between bodies and reads as bytes arrive.
//
//	go test ./collector/openmetrics/exposition -run '^$' -fuzz FuzzParse -fuzztime 5m -fuzzminimizetime 1x
//
// (-fuzzminimizetime 1x: minimising an interesting input re-runs expfmt's
// OpenMetrics parser for each attempt and otherwise stalls the fuzzer.)
func FuzzParse(f *testing.F) {
	for _, g := range goldenBodies {
		f.Add(readGolden(f, g.file), g.format == OpenMetrics)
	}
	for _, tc := range append(textCases, omCases...) {
		f.Add([]byte(tc.body), tc.format == OpenMetrics)
	}
	f.Fuzz(func(t *testing.T, body []byte, om bool) {
		format := Text
		if om {
			format = OpenMetrics
			if len(body) > maxOpenMetricsFuzz || bytes.Count(body, []byte("\n")) > 24 {
				return
			}
		}
		want, got := oracle(body, format), ours(body, format)
		if d := differ(want, got); d != "" {
			t.Fatalf("%q (%s): %s", body, format, d)
		}
		p := NewParser()
		first, err1 := parsed(p, bytes.NewReader(body), format)
		again, err2 := parsed(p, &oneByte{body}, format)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%q: read again in pieces: error %v, first %v", body, err2, err1)
		}
		if err1 == nil {
			if d := differ(verdict{fams: render(first)}, verdict{fams: render(again)}); d != "" {
				t.Fatalf("%q: read again in pieces: %s", body, d)
			}
		}
	})
}

// oneByte reads one byte at a time, as a slow network might deliver.
type oneByte struct{ b []byte }

func (r *oneByte) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0], r.b = r.b[0], r.b[1:]
	return 1, nil
}
