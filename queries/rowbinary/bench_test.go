package rowbinary

import (
	"testing"
	"time"
)

// BenchmarkEncodeUsageRow: the encoding cost per usage row on the insert path.
//
//	go test ./queries/rowbinary -run '^$' -bench EncodeUsageRow
func BenchmarkEncodeUsageRow(b *testing.B) {
	var types []*Type
	for _, s := range []string{"DateTime64(3, 'UTC')", "LowCardinality(String)", "LowCardinality(String)", "LowCardinality(String)", "LowCardinality(String)", "Float64"} {
		t, err := Parse(s)
		if err != nil {
			b.Fatal(err)
		}
		types = append(types, t)
	}
	ts := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	buf := make([]byte, 0, 1<<20)
	encode := func(values ...any) {
		var err error
		for i, v := range values {
			if buf, err = types[i].Encode(buf, v); err != nil {
				b.Fatal(err)
			}
		}
	}
	i := 0
	for b.Loop() {
		i++
		encode(ts.Add(time.Duration(i)*time.Second), "bench", "qq", "messages", "", float64(i))
		if len(buf) > 1<<19 {
			buf = buf[:0]
		}
	}
}
