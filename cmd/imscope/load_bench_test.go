package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkHTTPLoad puts `wrk` load (50 connections, loopback) on a real
// `imscope serve --demo` process: the cached and the uncached
// /api/v1/share, and the Market share page, each beside /healthz measured
// in the same run as the baseline (the same server, the cheapest route it
// has), and reports requests/s, p99 latency and the server's peak RSS.
//
//	go test ./cmd/imscope -run '^$' -bench HTTPLoad -benchtime 1x -timeout 30m
//
// The uncached figures come from a second start of the same data directory
// with --api-cache-ttl 0 (every answer recomputed; the embedded engine runs
// one statement at a time, so this is the engine's rate).
func BenchmarkHTTPLoad(b *testing.B) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Fatal("wrk is not installed: `make test` installs Debian's wrk (scripts/apt.sh)")
	}
	bin, lib, data := buildBinary(b), projectLibrary(b), b.TempDir()
	duration := envDuration("IMSCOPE_BENCH_DURATION", 15*time.Second)
	for b.Loop() {
		var rows []loadRow
		func() { // cached: the defaults
			srv := startProcess(b, bin, lib, data)
			defer srv.stop()
			srv.waitForDemo(b)
			rows = append(rows,
				srv.load(b, wrk, "/healthz", "baseline", duration),
				srv.load(b, wrk, "/api/v1/share", "cached", duration),
				srv.load(b, wrk, "/share", "page", duration))
		}()
		func() { // uncached
			srv := startProcess(b, bin, lib, data, "--api-cache-ttl", "0")
			defer srv.stop()
			rows = append(rows,
				srv.load(b, wrk, "/healthz", "baseline, cache off", duration),
				srv.load(b, wrk, "/api/v1/share", "uncached", duration))
		}()
		fmt.Println("| route | cache | requests/s | p50 | p99 | × /healthz rate | server peak RSS |")
		fmt.Println("| --- | --- | --- | --- | --- | --- | --- |")
		base := 0.0
		for _, r := range rows {
			if strings.HasPrefix(r.label, "baseline") {
				base = r.rps
			}
			fmt.Printf("| %s | %s | %.0f | %s | %s | %.3f | %d MiB |\n", r.path, r.label, r.rps, r.p50, r.p99, r.rps/base, r.rssKiB/1024)
			name := strings.NewReplacer(" ", "_", ",", "", "/", "_").Replace(r.path + "_" + r.label)
			b.ReportMetric(r.rps, name+"_req/s")
			b.ReportMetric(float64(r.p99.Microseconds())/1000, name+"_p99_ms")
		}
	}
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

// process is a running imscope serve.
type process struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
	done   chan error
}

func startProcess(b *testing.B, bin, lib, data string, extra ...string) *process {
	b.Helper()
	args := append([]string{"serve", "--demo", "--listen", "127.0.0.1:0", "--data", data, "--libchdb", lib, "--log-level", "warn"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Dir = b.TempDir()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	p := &process{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	if p.url = waitForListen(b, stdout, p.stderr); p.url == "" {
		_ = cmd.Process.Kill()
		b.Fatalf("serve did not start:\n%s", p.stderr)
	}
	go func() { p.done <- cmd.Wait() }()
	return p
}

func (p *process) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
	}
}

// waitForDemo waits for the demo history (first start only) and warms the
// caches the way a first visitor would.
func (p *process) waitForDemo(b *testing.B) {
	b.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get(p.url + "/api/v1/collectors")
		if err == nil {
			var d struct {
				Data struct {
					Collectors []struct{ Name, Status string } `json:"collectors"`
				} `json:"data"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&d)
			resp.Body.Close()
			for _, c := range d.Data.Collectors {
				if c.Name == "demo-history" && c.Status == "ok" {
					return
				}
			}
		}
		time.Sleep(time.Second)
	}
	b.Fatal("the demo did not load")
}

// peakRSS samples the process's resident set while f runs.
func (p *process) peakRSS(f func()) int64 {
	var peak int64
	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := statusKiB(p.cmd.Process.Pid, "VmRSS"); kb > 0 {
				mu.Lock()
				peak = max(peak, kb)
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	return peak
}

func statusKiB(pid int, field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

type loadRow struct {
	path, label string
	rps         float64
	p50, p99    time.Duration
	rssKiB      int64
}

var (
	rpsRE     = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	latencyRE = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$`)
	non2xxRE  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

// load runs wrk against path: 2 threads, 50 connections, after a short
// warm-up (which fills the caches, as any visitor would).
func (p *process) load(b *testing.B, wrk, path, label string, d time.Duration) loadRow {
	b.Helper()
	warm := exec.Command(wrk, "-t1", "-c4", "-d2s", p.url+path)
	if out, err := warm.CombinedOutput(); err != nil {
		b.Fatalf("wrk warm-up: %v\n%s", err, out)
	}
	var out []byte
	var err error
	rss := p.peakRSS(func() {
		out, err = exec.Command(wrk, "-t2", "-c50", "-d"+d.String(), "--latency", "-H", "Accept-Encoding: gzip", p.url+path).CombinedOutput()
	})
	if err != nil {
		b.Fatalf("wrk: %v\n%s", err, out)
	}
	if m := non2xxRE.FindSubmatch(out); m != nil {
		b.Fatalf("%s: %s answers were not 2xx:\n%s", path, m[1], out)
	}
	row := loadRow{path: path, label: label, rssKiB: rss}
	if m := rpsRE.FindSubmatch(out); m != nil {
		row.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	for _, m := range latencyRE.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(m[2]), 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(m[3])]
		d := time.Duration(v * float64(unit))
		if string(m[1]) == "50" {
			row.p50 = d
		} else {
			row.p99 = d
		}
	}
	if row.rps == 0 || row.p99 == 0 {
		b.Fatalf("cannot read wrk's output:\n%s", out)
	}
	return row
}
