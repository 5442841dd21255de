package csvimport

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
	"github.com/imscope/imscope/queries/enginetest"
)

// benchDataDir is the embedded engine's data directory for this package's
// benchmarks: libchdb allows one per process.
var benchDataDir string

func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &benchDataDir)) }

// benchPanelKey is a fixed 32-character panel hashing key.
const benchPanelKey = "bench-panel-key-0123456789abcdef"

// BenchmarkPanelImportInsert is a 10M-row panel CSV imported end to end:
// csvimport Source (parse, hash, map) → collector.Writer → embedded engine,
// every row counted back, then the writer's last flush, which rebuilds the
// derived panel tables of the periods the import touched (reported alone as
// panel_refresh_s; the builds are checked fresh afterwards). In the same run, before the pipeline, it times the
// parse-only import of the same file (as BenchmarkPanelImport does) and
// reports both rates, their ratio and the peak RSS of each phase (VmHWM,
// reset between phases; it includes libchdb's ~200 MB).
//
// The file has BenchmarkPanelImport's shape and size (12 monthly periods, 10
// networks, 3 segments) but every row is distinct: genPanel's rows repeat
// exactly every 2.1 M rows, and the pipeline stores each key once.
//
//	go test ./collector/csvimport -run '^$' -bench PanelImportInsert -benchtime 1x -timeout 30m
func BenchmarkPanelImportInsert(b *testing.B) {
	const rows = 10_000_000
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "panel-10m-distinct.csv")
	genStart := time.Now()
	size, wantMessages := genDistinctPanel(b, path, rows)
	b.Logf("generated %d rows, %.0f MB, in %v", rows, float64(size)/1e6, time.Since(genStart).Round(time.Millisecond))

	const db = "bench_panel_insert"
	e, err := embedded.Open(ctx, embedded.Options{DataDir: benchDataDir, Database: db})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = e.Exec(ctx, "DROP DATABASE IF EXISTS "+queries.QuoteIdentifier(db))
		e.Close()
	}()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		b.Fatal(err)
	}
	rssOpen, _ := procStatus("VmRSS:")

	getenv := func(name string) string {
		if name == DefaultPanelKeyEnv {
			return benchPanelKey
		}
		return ""
	}
	src, err := New("bench", Config{Kind: KindPanel, Path: path}, Options{Getenv: getenv})
	if err != nil {
		b.Fatal(err)
	}
	var parseDur, pipeDur, addDur, flushDur, reimportDur time.Duration
	var hwmParse, hwmPipe int64
	resetOK := true
	for b.Loop() {
		if err := e.Exec(ctx, "TRUNCATE TABLE panel_activity"); err != nil {
			b.Fatal(err)
		}
		// Parse only: read, hash and map, rows dropped.
		resetOK = resetPeakRSS() && resetOK
		start := time.Now()
		landed := 0
		sum, err := src.Import(ctx, func(_ context.Context, batch collector.Batch) error {
			landed += len(batch.Panel)
			return nil
		})
		parseDur += time.Since(start)
		if err != nil || landed != rows || sum.Rejected != 0 {
			b.Fatalf("parse only: err %v, %d rows landed, summary %+v", err, landed, sum)
		}
		hwmParse, _ = procStatus("VmHWM:")

		// The pipeline: the same import into the writer, stored by key
		// 100,000 rows at a time as a collector run stores them, then the
		// last flush.
		resetOK = resetPeakRSS() && resetOK
		w := collector.NewWriter(e, collector.WriterOptions{})
		var pending collector.Batch
		var total collector.Outcome
		store := func(ctx context.Context) error {
			t := time.Now()
			o, err := w.Store(ctx, pending)
			addDur += time.Since(t)
			total.Add(o)
			pending = collector.Batch{}
			return err
		}
		importAll := func() {
			sum, err := src.Import(ctx, func(ctx context.Context, batch collector.Batch) error {
				pending.Panel = append(pending.Panel, batch.Panel...)
				if len(pending.Panel) < 100_000 {
					return nil
				}
				return store(ctx)
			})
			if err == nil {
				err = store(ctx)
			}
			if err != nil || sum.Landed != rows || sum.Rejected != 0 {
				b.Fatalf("pipeline: err %v, summary %+v", err, sum)
			}
		}
		start = time.Now()
		importAll()
		if total.New != rows {
			b.Fatalf("the first import stored %s, want every row new", total)
		}
		// The last flush ends the run: it refreshes the derived panel tables
		// of the periods the import touched.
		t := time.Now()
		if err := w.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		flushDur += time.Since(t)
		addDur += time.Since(t)
		pipeDur += time.Since(start)
		hwmPipe, _ = procStatus("VmHWM:")

		got, gotMessages := panelCount(b, e)
		if got != rows || gotMessages != wantMessages {
			b.Fatalf("counted %d rows (messages %d) back, want %d (messages %d)", got, gotMessages, rows, wantMessages)
		}
		periods, err := queries.PanelPeriods(ctx, e, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			b.Fatal(err)
		}
		done, err := queries.RefreshPanel(ctx, e, periods...)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range done {
			if r.Rebuilt {
				b.Fatalf("panel period %s was stale after the import", r.Period.Format(time.DateOnly))
			}
		}

		// The same file again: every key is found stored, nothing is written.
		total, firstAdd := collector.Outcome{}, addDur
		start = time.Now()
		importAll()
		reimportDur += time.Since(start)
		addDur = firstAdd
		if total.Existing != rows || total.New != 0 {
			b.Fatalf("the re-import stored %s, want every row already stored", total)
		}
		if got, _ := panelCount(b, e); got != rows {
			b.Fatalf("%d rows after the re-import, want %d", got, rows)
		}
	}
	b.StopTimer()
	if !resetOK {
		b.Log("could not reset VmHWM through /proc/self/clear_refs: the peaks are the process's since start")
	}
	loops := float64(b.N)
	b.ReportMetric(rows*loops/pipeDur.Seconds(), "rows/s")
	b.ReportMetric(rows*loops/parseDur.Seconds(), "parse_rows/s")
	b.ReportMetric(parseDur.Seconds()/pipeDur.Seconds(), "ratio")
	b.ReportMetric(pipeDur.Seconds()/loops, "pipeline_s")
	b.ReportMetric(parseDur.Seconds()/loops, "parse_s")
	b.ReportMetric(addDur.Seconds()/loops, "writer_s")
	b.ReportMetric(reimportDur.Seconds()/loops, "reimport_s")
	b.ReportMetric(rows*loops/reimportDur.Seconds(), "reimport_rows/s")
	b.ReportMetric(flushDur.Seconds()/loops, "panel_refresh_s")
	b.ReportMetric(float64(rssOpen)/(1<<20), "rss_open_MiB")
	b.ReportMetric(float64(hwmParse)/(1<<20), "peak_parse_MiB")
	b.ReportMetric(float64(hwmPipe)/(1<<20), "peak_pipeline_MiB")
}

// genDistinctPanel writes a panel CSV of n distinct rows in genPanel's shape
// (12 monthly periods, 10 networks, 3 segments, the same column widths):
// user i/12 in period i%12, so no two rows share a period and a user. It
// returns the file's size and the sum of the messages column.
func genDistinctPanel(b *testing.B, path string, n int) (int64, uint64) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("period,user_id,network,segment,active_days,messages\n")
	nets := []string{"qq", "wangwang", "fetion", "msn", "skype", "sinauc", "popo", "yahoo", "matrix.org", "jabber.org"}
	segs := []string{"", "students", "office"}
	var line []byte
	var messages uint64
	for i := range n {
		m := i%12 + 1
		line = append(line[:0], "2010-"...)
		line = append(line, byte('0'+m/10), byte('0'+m%10))
		line = append(line, ",user-"...)
		line = appendPadded(line, i/12, 8)
		line = append(line, "@example.org,"...)
		line = append(line, nets[(i/12)%len(nets)]...)
		line = append(line, ',')
		line = append(line, segs[i%len(segs)]...)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(i%28), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(i%5000), 10)
		line = append(line, '\n')
		w.Write(line)
		messages += uint64(i % 5000)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	return st.Size(), messages
}

func panelCount(b *testing.B, e queries.Engine) (int, uint64) {
	b.Helper()
	rows, err := e.Query(context.Background(), "SELECT count(), sum(messages) FROM panel_activity")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var n, m uint64
	if !rows.Next() {
		b.Fatalf("count: no row (%v)", rows.Err())
	}
	if err := rows.Scan(&n, &m); err != nil {
		b.Fatal(err)
	}
	return int(n), m
}

// resetPeakRSS resets VmHWM to the current RSS (Linux: "5" to clear_refs).
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// procStatus reads one "kB" field of /proc/self/status, in bytes.
func procStatus(field string) (int64, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte(field)); ok {
			fields := bytes.Fields(rest)
			if len(fields) == 2 {
				kb, err := strconv.ParseInt(string(fields[0]), 10, 64)
				return kb << 10, err == nil
			}
		}
	}
	return 0, false
}
