package analytics

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/imscope/imscope"
)

var updateIntervals = flag.Bool("update-intervals", false, "rewrite testdata/intervals/*.golden from the results")

// readBounded reads a case file: network,share,bound per line; # comments.
func readBounded(t *testing.T, path string) []BoundedShare {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []BoundedShare
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, ",")
		v, err := strconv.ParseFloat(parts[1], 64)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, BoundedShare{Network: parts[0], Share: v, Bound: imscope.Bound(parts[2])})
	}
	return out
}

func fmtInterval(name string, point float64, r Interval) string {
	return fmt.Sprintf("%s %.4f [%.4f, %.4f]\n", name, point, r.Min, r.Max)
}

// describeBounded renders every figure and interval of a bounded market,
// and a merger of ranks 2 and 3, as the golden files hold them.
func describeBounded(rows []BoundedShare) string {
	c, err := ConcentrateBounded(rows)
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "networks %d leader %s\n", c.Networks, c.Leader.Network)
	b.WriteString(fmtInterval("hhi", c.HHI, c.HHIRange))
	b.WriteString(fmtInterval("cr1", c.CR1, c.CR1Range))
	b.WriteString(fmtInterval("cr2", c.CR2, c.CR2Range))
	b.WriteString(fmtInterval("cr4", c.CR4, c.CR4Range))
	for _, co := range c.Coalitions {
		fmt.Fprintf(&b, "coalition k=%d %s\n", co.K, strings.Join(co.Members, ";"))
		b.WriteString(fmtInterval("  share", co.Share, co.ShareRange))
		b.WriteString(fmtInterval("  gap", co.Gap, co.GapRange))
		b.WriteString(fmtInterval("  delta_hhi", co.DeltaHHI, co.DeltaHHIRange))
	}
	if len(c.Coalitions) >= 2 {
		m, err := MergeBounded(rows, c.Coalitions[1].Members)
		if err != nil {
			return b.String() + "merge error: " + err.Error() + "\n"
		}
		fmt.Fprintf(&b, "merge %s\n", strings.Join(m.Members, ";"))
		b.WriteString(fmtInterval("  share", m.Share, m.ShareRange))
		b.WriteString(fmtInterval("  hhi_before", m.HHIBefore, m.HHIBeforeRange))
		b.WriteString(fmtInterval("  delta_hhi", m.DeltaHHI, m.DeltaHHIRange))
	}
	return b.String()
}

// TestIntervalsGolden: each case under testdata/intervals (bounds at 0 and
// at the cap, floors, ceilings holding more or less than the free mass,
// totals over 100) against its golden file. The figures were checked by
// hand; the comment atop each case says what to expect.
func TestIntervalsGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/intervals/*.csv")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".csv")
		t.Run(name, func(t *testing.T) {
			got := describeBounded(readBounded(t, path))
			golden := strings.TrimSuffix(path, ".csv") + ".golden"
			if *updateIntervals {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update-intervals to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s:\ngot\n%s\nwant\n%s", name, got, want)
			}
		})
	}
}

// TestIntervalsSeed holds the seed's 2010-Q3 to the figures: HHI
// 5,982.6 (exact rows) in 5,982.6 … 5,984.3, CR4 96.07, ranks 2–5 21.78
// against 76.37.
func TestIntervalsSeed(t *testing.T) {
	c, err := ConcentrateBounded(readBounded(t, "testdata/intervals/seed-2010q3.csv"))
	if err != nil {
		t.Fatal(err)
	}
	near(t, "HHI", math.Round(c.HHI*10)/10, 5982.6, 1e-9)
	near(t, "HHI min", math.Round(c.HHIRange.Min*10)/10, 5982.6, 1e-9)
	near(t, "HHI max", math.Round(c.HHIRange.Max*10)/10, 5984.3, 1e-9)
	near(t, "CR4", c.CR4, 96.07, 1e-9)
	near(t, "leader", c.Leader.Share, 76.37, 1e-12)
	co := c.Coalitions[3]
	if co.K != 5 || strings.Join(co.Members, ",") != "wangwang,fetion,msn,skype" {
		t.Fatalf("coalition 4 = k%d %v", co.K, co.Members)
	}
	near(t, "ranks 2–5", co.Share, 21.78, 1e-9)
}

// TestIntervalsOver100 names the row that takes the total over 100.
func TestIntervalsOver100(t *testing.T) {
	_, err := ConcentrateBounded([]BoundedShare{{"a", 60, imscope.BoundEq}, {"b", 30, imscope.BoundGt}, {"c", 20, imscope.BoundEq}, {"d", 5, imscope.BoundLt}})
	if err == nil || !strings.Contains(err.Error(), "row 2 (c)") {
		t.Fatalf("err = %v, want row 2 (c) named", err)
	}
}

// vertices enumerates every vertex of the feasible set of a small market:
// rows filled from their lower ends in every order, each up to its ceiling
// or until the free mass runs out, stopping after any prefix. The maximum
// of a convex figure (HHI, CR-k) is at one of them.
func vertices(m *boundedMarket) [][]float64 {
	n := len(m.rows)
	var out [][]float64
	var rec func(s []float64, used []bool, left float64)
	rec = func(s []float64, used []bool, left float64) {
		out = append(out, append([]float64(nil), s...))
		for i := range n {
			if used[i] || left <= 0 {
				continue
			}
			d := math.Min(left, m.rows[i].room)
			if d <= 0 {
				continue
			}
			s[i] += d
			used[i] = true
			rec(s, used, left-d)
			s[i] -= d
			used[i] = false
		}
	}
	s := make([]float64, n)
	for i, r := range m.rows {
		s[i] = r.lo
	}
	rec(s, make([]bool, n), m.free)
	return out
}

func sumSquares(s []float64) float64 {
	var h float64
	for _, v := range s {
		h += v * v
	}
	return h
}

// TestIntervalsAgainstVertices: on random small markets, the HHI and CR-k
// maxima are the largest over every vertex, the minima the lower ends, and
// no random feasible vector leaves the coalition and ΔHHI intervals.
func TestIntervalsAgainstVertices(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	bounds := []imscope.Bound{imscope.BoundEq, imscope.BoundLt, imscope.BoundGt}
	for trial := range 400 {
		n := 1 + rng.IntN(5)
		var rows []BoundedShare
		left := 100.0
		for i := range n {
			b := bounds[rng.IntN(3)]
			v := math.Round(rng.Float64()*left*100/float64(n)) / 100
			if b != imscope.BoundLt {
				left -= v
			}
			rows = append(rows, BoundedShare{Network: string(rune('a' + i)), Share: v, Bound: b})
		}
		m, err := newBoundedMarket(rows)
		if err != nil {
			t.Fatalf("trial %d %v: %v", trial, rows, err)
		}
		vs := vertices(m)
		h := m.hhi()
		bestH := 0.0
		for _, s := range vs {
			bestH = math.Max(bestH, sumSquares(s))
		}
		if math.Abs(bestH-h.Max) > 1e-6 {
			t.Errorf("trial %d %v: HHI max %v, vertices reach %v", trial, rows, h.Max, bestH)
		}
		for k := 1; k <= 4; k++ {
			c := m.cr(k)
			best := 0.0
			for _, s := range vs {
				best = math.Max(best, topSum(s, k))
			}
			if math.Abs(best-c.Max) > 1e-6 {
				t.Errorf("trial %d %v: CR%d max %v, vertices reach %v", trial, rows, k, c.Max, best)
			}
		}
		g := []int{0}
		if n > 1 {
			g = []int{0, n - 1}
		}
		share, delta := m.groupShare(g), m.deltaHHI(g)
		for range 50 {
			s := randomFeasible(rng, m)
			var sum, sq float64
			for _, i := range g {
				sum += s[i]
				sq += s[i] * s[i]
			}
			if sum < share.Min-1e-9 || sum > share.Max+1e-9 {
				t.Errorf("trial %d: group share %v outside %v", trial, sum, share)
			}
			if d := sum*sum - sq; d < delta.Min-1e-6 || d > delta.Max+1e-6 {
				t.Errorf("trial %d %v: ΔHHI %v outside %v", trial, rows, d, delta)
			}
		}
	}
}

// randomFeasible draws a vector of the feasible set: random extra mass on
// random rows, each within its room and the free mass.
func randomFeasible(rng *rand.Rand, m *boundedMarket) []float64 {
	s := make([]float64, len(m.rows))
	left := m.free * rng.Float64()
	for _, i := range rng.Perm(len(m.rows)) {
		r := m.rows[i]
		d := math.Min(r.room, left) * rng.Float64()
		s[i] = r.lo + d
		left -= d
	}
	return s
}
