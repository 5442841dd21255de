package embedded_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/rowbinary"
)

// BenchmarkInsert measures usage-row ingest through queries.Engine (encode +
// batch file + INSERT) against the engine's own INSERT ... SELECT FROM file()
// of the same rows, already encoded, in the same run. The ratio
// baseline_s/engine_s is the figure to watch (goal ≥ 0.7); absolute rates
// move with the machine.
//
//	go test ./queries/embedded -run '^$' -bench Insert -benchtime 1x -timeout 30m
func BenchmarkInsert(b *testing.B) {
	for _, n := range []int{1_000_000, 10_000_000} {
		b.Run("rows="+strconv.Itoa(n), func(b *testing.B) {
			ctx := context.Background()
			e := open(b, "bench_insert_"+strconv.Itoa(n))
			defer e.Close()
			if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
				b.Fatal(err)
			}
			rssStart := rssMB(b)
			baseline := encodeUsageFile(b, n)
			defer os.Remove(baseline)
			// The engine at its best: LowCardinality columns declared as
			// String in the file (rowbinary.Type.FileName).
			cols := "ts DateTime64(3, 'UTC'), source String, network String, metric String, segment String, value Float64"
			var engineDur, baseDur, appendDur time.Duration
			for b.Loop() {
				mustTruncate(b, e)
				start := time.Now()
				batch, err := e.Insert(ctx, "usage_samples", "ts", "source", "network", "metric", "segment", "value")
				if err != nil {
					b.Fatal(err)
				}
				var r usage // pointers to its fields, as queries' send hands rows over
				for i := range n {
					r = usageRow(i)
					if err := batch.Append(&r.ts, &r.source, &r.network, &r.metric, &r.segment, &r.value); err != nil {
						b.Fatal(err)
					}
				}
				appendDur += time.Since(start)
				if err := batch.Send(); err != nil {
					b.Fatal(err)
				}
				engineDur += time.Since(start)
				checkCount(b, e, n)

				mustTruncate(b, e)
				start = time.Now()
				if err := e.Exec(ctx, "INSERT INTO usage_samples SELECT * FROM file({path:String}, 'RowBinary', {structure:String})",
					queries.Named("path", baseline), queries.Named("structure", cols)); err != nil {
					b.Fatal(err)
				}
				baseDur += time.Since(start)
				checkCount(b, e, n)
			}
			loops := float64(b.N)
			b.ReportMetric(float64(n)*loops/engineDur.Seconds()/1e6, "Mrows/s")
			b.ReportMetric(float64(n)*loops/baseDur.Seconds()/1e6, "baseline_Mrows/s")
			b.ReportMetric(baseDur.Seconds()/engineDur.Seconds(), "ratio")
			b.ReportMetric(appendDur.Seconds()/loops, "append_s")
			b.ReportMetric(rssStart, "rss_start_MB")
			b.ReportMetric(rssMB(b), "rss_loaded_MB")
		})
	}
}

type usage struct {
	ts                               time.Time
	source, network, metric, segment string
	value                            float64
}

var (
	benchNetworks = []string{"qq", "wangwang", "fetion", "msn", "skype", "sinauc", "popo", "yahoo"}
	benchMetrics  = []string{"active_users_1d", "active_users_30d", "messages", "sessions", "connections"}
	benchSegments = []string{"", "students", "office", "mobile"}
	benchStart    = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
)

// usageRow is a deterministic usage row: 3 years, 8 networks, 5 metrics, 4 segments.
func usageRow(i int) usage {
	return usage{
		ts:      benchStart.Add(time.Duration(i/160) * 10 * time.Second),
		source:  "bench",
		network: benchNetworks[i%8],
		metric:  benchMetrics[(i/8)%5],
		segment: benchSegments[(i/40)%4],
		value:   float64(i%100_000) + 0.5,
	}
}

// encodeUsageFile writes n rows as RowBinary for the baseline insert.
func encodeUsageFile(b *testing.B, n int) string {
	b.Helper()
	types := make([]*rowbinary.Type, 0, 6)
	for _, s := range []string{"DateTime64(3, 'UTC')", "LowCardinality(String)", "LowCardinality(String)", "LowCardinality(String)", "LowCardinality(String)", "Float64"} {
		t, err := rowbinary.Parse(s)
		if err != nil {
			b.Fatal(err)
		}
		types = append(types, t)
	}
	path := filepath.Join(b.TempDir(), "baseline.rowbinary")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 0, 8<<20)
	for i := range n {
		r := usageRow(i)
		for j, v := range []any{r.ts, r.source, r.network, r.metric, r.segment, r.value} {
			if buf, err = types[j].Encode(buf, v); err != nil {
				b.Fatal(err)
			}
		}
		if len(buf) > 4<<20 {
			if _, err := f.Write(buf); err != nil {
				b.Fatal(err)
			}
			buf = buf[:0]
		}
	}
	if _, err := f.Write(buf); err != nil {
		b.Fatal(err)
	}
	return path
}

func mustTruncate(b *testing.B, e queries.Engine) {
	b.Helper()
	for _, t := range []string{"usage_samples", "usage_daily"} {
		if err := e.Exec(context.Background(), "TRUNCATE TABLE "+queries.QuoteIdentifier(t)); err != nil {
			b.Fatal(err)
		}
	}
}

func checkCount(b *testing.B, e queries.Engine, want int) {
	b.Helper()
	rows, err := e.Query(context.Background(), "SELECT count() FROM usage_samples")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var got uint64
	rows.Next()
	if err := rows.Scan(&got); err != nil || got != uint64(want) {
		b.Fatalf("counted %d rows back (err %v), want %d", got, err, want)
	}
}

// rssMB reads this process's resident set size.
func rssMB(b *testing.B) float64 {
	b.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.Fields(f)[0], 64)
			return kb / 1024
		}
	}
	return 0
}
