package csvimport

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
)

// genPanel writes a panel CSV of n rows: 10 networks, 3 segments, ids that
// repeat every 100,000 rows, 12 monthly periods.
func genPanel(t testing.TB, path string, n int) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("period,user_id,network,segment,active_days,messages\n")
	nets := []string{"qq", "wangwang", "fetion", "msn", "skype", "sinauc", "popo", "yahoo", "matrix.org", "jabber.org"}
	segs := []string{"", "students", "office"}
	var line []byte
	for i := range n {
		m := i%12 + 1
		line = append(line[:0], "2010-"...)
		line = append(line, byte('0'+m/10), byte('0'+m%10))
		line = append(line, ",user-"...)
		line = appendPadded(line, i%100_000, 8)
		line = append(line, "@example.org,"...)
		line = append(line, nets[i%len(nets)]...)
		line = append(line, ',')
		line = append(line, segs[i%len(segs)]...)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(i%28), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(i%5000), 10)
		line = append(line, '\n')
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	return st.Size()
}

// appendPadded appends n in width digits, zero-padded.
func appendPadded(b []byte, n, width int) []byte {
	start := len(b)
	b = strconv.AppendInt(b, int64(n), 10)
	for len(b)-start < width {
		b = append(b[:start+1], b[start:]...)
		b[start] = '0'
	}
	return b
}

// A large file streams through in chunks: memory stays bounded by the
// chunk, not the file (1M rows, ~56 MB of CSV, heap well under 100 MB).
func TestStreamingBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 1M-row file")
	}
	const rows = 1_000_000
	path := filepath.Join(t.TempDir(), "panel-1m.csv")
	size := genPanel(t, path, rows)

	src, err := New("big", Config{Kind: KindPanel, Path: path}, Options{Getenv: testEnv})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	var peak uint64
	var landed, batches int
	start := time.Now()
	sum, err := src.Import(context.Background(), func(_ context.Context, b collector.Batch) error {
		batches++
		landed += len(b.Panel)
		if len(b.Problems) > 0 {
			t.Errorf("problems: %v", b.Problems[:1])
		}
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("%d rows, %.1f MB in %v (%.0f rows/s), %d batches, peak HeapInuse %.1f MB",
		rows, float64(size)/1e6, elapsed, rows/elapsed.Seconds(), batches, float64(peak)/1e6)
	if landed != rows || sum.Landed != rows || sum.Bytes != size || batches != rows/DefaultChunkRows {
		t.Fatalf("landed %d in %d batches, summary %+v", landed, batches, sum)
	}
	if peak > 100<<20 {
		t.Fatalf("peak HeapInuse %d MB, want under 100 MB", peak>>20)
	}
}

// Rows are emitted every ChunkRows rows (problems count towards a chunk).
func TestChunks(t *testing.T) {
	var b strings.Builder
	b.WriteString("ts,network,metric,value\n")
	for i := range 10 {
		fmt.Fprintf(&b, "2010-07-%02d,qq,messages,%d\n", i+1, i)
	}
	res := run(t, Config{Kind: KindUsage, Path: writeFile(t, "u.csv", []byte(b.String())), ChunkRows: 3}, Options{})
	var sizes []int
	for _, b := range res.batches {
		sizes = append(sizes, b.Rows())
	}
	if res.err != nil || fmt.Sprint(sizes) != "[3 3 3 1]" {
		t.Fatalf("err %v, batch sizes %v", res.err, sizes)
	}
	for i, s := range res.all.Samples {
		if s.Value != float64(i) || s.TS.Day() != i+1 {
			t.Fatalf("sample %d = %+v", i, s)
		}
	}
}

// Past MaxProblems, bad rows are counted and skipped, and one Problem says
// how many were not listed; by default every bad row is listed.
func TestMaxProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("ts,network,metric,value\n")
	for range 50 {
		b.WriteString("2010-07-01,qq,messages,x\n2010-07-01,qq,messages,1\n")
	}
	res := run(t, Config{Kind: KindUsage, Path: writeFile(t, "u.csv", []byte(b.String()))}, Options{MaxProblems: 5})
	p := res.all.Problems
	if res.err != nil || len(p) != 6 || len(res.all.Samples) != 50 || res.sum.Rejected != 50 {
		t.Fatalf("err %v, %d problems, %d samples, %+v", res.err, len(p), len(res.all.Samples), res.sum)
	}
	if last := p[5]; !strings.HasSuffix(last.Where, "u.csv") || last.Message != "45 more bad rows not listed (the first 5 are)" {
		t.Errorf("last problem %v", last)
	}
	all := run(t, Config{Kind: KindUsage, Path: writeFile(t, "u.csv", []byte(b.String()))}, Options{})
	if len(all.all.Problems) != 50 {
		t.Errorf("%d problems with no limit", len(all.all.Problems))
	}
}

func TestGzipFile(t *testing.T) {
	data, err := os.ReadFile("testdata/panel.csv")
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	res := run(t, Config{Kind: KindPanel, Path: writeFile(t, "panel.csv.gz", gz.Bytes())}, Options{})
	if res.err != nil || len(res.all.Panel) != 5 || res.sum.Bytes != int64(gz.Len()) {
		t.Fatalf("err %v, %d rows, summary %+v", res.err, len(res.all.Panel), res.sum)
	}
	res = run(t, Config{Kind: KindPanel, Path: writeFile(t, "not.csv.gz", data)}, Options{})
	if res.err == nil || !strings.Contains(res.err.Error(), "cannot decompress") {
		t.Fatalf("err = %v", res.err)
	}
}

// A quote left open does not make the reader gather the rest of the file
// into one field: past 16 MiB the import stops and says why.
func TestRecordTooLong(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("ts,network,metric,value,segment\n2010-07-01,qq,messages,1,\n2010-07-01,qq,messages,2,\"open\n")
	row := []byte("2010-07-01,qq,messages,3,\n")
	for b.Len() < maxRecordBytes+(1<<20) {
		b.Write(row)
	}
	res := run(t, Config{Kind: KindUsage, Path: writeFile(t, "open.csv", b.Bytes())}, Options{})
	if res.err == nil || !strings.Contains(res.err.Error(), "open.csv: the record after line 2 is longer than 16 MiB; is a quote left open?") {
		t.Fatalf("err = %v", res.err)
	}
}

// An emit error (the pipeline cannot take more) ends the import; so does a
// cancelled context.
func TestStops(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.csv")
	genPanel(t, path, 10_000)
	src, err := New("p", Config{Kind: KindPanel, Path: path, ChunkRows: 1000}, Options{Getenv: testEnv})
	if err != nil {
		t.Fatal(err)
	}
	full := errors.New("spool full")
	calls := 0
	_, err = src.Import(context.Background(), func(context.Context, collector.Batch) error { calls++; return full })
	if !errors.Is(err, full) || calls != 1 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	err = src.Collect(ctx, func(context.Context, collector.Batch) error {
		calls++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
}

// The progress bar is drawn only on a terminal.
func TestProgress(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.csv")
	size := genPanel(t, path, 2000)
	for _, term := range []bool{false, true} {
		var out bytes.Buffer
		res := run(t, Config{Kind: KindPanel, Path: path}, Options{Progress: &out, ProgressIsTerminal: term})
		if res.err != nil {
			t.Fatal(res.err)
		}
		if !term {
			if out.Len() != 0 {
				t.Errorf("progress written to a non-terminal: %q", out.String())
			}
			continue
		}
		s := out.String()
		want := fmt.Sprintf("[########################] 100%% %s / %s, 2,000 rows, ", humanBytes(size), humanBytes(size))
		if !strings.HasPrefix(s, "\r"+path+" ") || !strings.Contains(s, want) || !strings.Contains(s, " rows/s\x1b[K") || !strings.HasSuffix(s, "\n") {
			t.Errorf("progress %q, want it to contain %q", s, want)
		}
	}
}

func TestProgressDraws(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, true, "f.csv", 0)
	clock := p.start
	p.now = func() time.Time { return clock }
	io.Copy(io.Discard, p.counter(strings.NewReader(strings.Repeat("x", 1500))))
	clock = clock.Add(2 * time.Second)
	p.tick(1_234_567)
	if got := out.String(); got != "\rf.csv 1.5 kB, 1,234,567 rows, 617,283 rows/s\x1b[K" {
		t.Errorf("drawn %q", got)
	}
	out.Reset()
	p.tick(1_234_568) // too soon to redraw
	if out.Len() != 0 {
		t.Errorf("redrawn at once: %q", out.String())
	}
}
