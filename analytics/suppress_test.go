package analytics

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// The golden 3×3 matrix displayed with a minimum of 15 users per cell:
//
//	            to a    b    c   leave
//	from a        80  [10] [10]    20
//	from b        40  140  (20)  [10]
//	from c       (20)   20   60   [10]
//	entrants      [5]  (15) [10]     –
//
// [x] primary suppression: 0 < x < 15. Then, line by line, a line with a
// single hidden cell would give it away (row total − visible cells), so:
// row b has only [10] → hide its smallest visible non-zero cell, 20 (b→c);
// row c has only [10] → hide 20 (c→a, the first of two 20s);
// column b has only [10] (a→b) → hide 15 (entrants→b).
// Every line now hides 0 or at least 2 cells: 6 primary + 3 secondary = 9.
func TestTableGolden(t *testing.T) {
	s := goldenSwitching(t)
	tab := s.Table(15)
	hidden := map[[2]int]bool{
		{0, 1}: true, {0, 2}: true, {1, 3}: true, {2, 3}: true, {3, 0}: true, {3, 2}: true, // primary
		{1, 2}: true, {2, 0}: true, {3, 1}: true, // secondary
	}
	if tab.Suppressed != 9 {
		t.Errorf("suppressed %d cells, want 9", tab.Suppressed)
	}
	for i := range 4 {
		for j := range 4 {
			c := tab.Cells[i][j]
			at := fmt.Sprintf("[%d][%d]", i, j)
			if c.Suppressed != hidden[[2]int{i, j}] {
				t.Errorf("cell %s suppressed = %v", at, c.Suppressed)
			}
			if c.Suppressed && (c.Count != 0 || c.P != nil) {
				t.Errorf("hidden cell %s leaks %d / %v", at, c.Count, c.P)
			}
			if !c.Suppressed && c.Count != s.Counts[i][j] {
				t.Errorf("cell %s = %d, want %d", at, c.Count, s.Counts[i][j])
			}
		}
	}
	nearPtr(t, "P a→a", tab.Cells[0][0].P, f64(2.0/3), 1e-12)
	if !slices.Equal(tab.RowTotals, []uint64{120, 210, 110, 30}) || !slices.Equal(tab.ColumnTotals, []uint64{145, 185, 100, 40}) || tab.Users != 470 {
		t.Errorf("totals changed: %v %v %d", tab.RowTotals, tab.ColumnTotals, tab.Users)
	}
	// Net flows need both cells: a→b is hidden, b→b is not a flow, c↔c visible.
	if tab.NetFlow[0][1] != nil || tab.NetFlow[1][0] != nil {
		t.Error("net flow a↔b must be hidden")
	}
	if tab.NetFlow[1][1] == nil || *tab.NetFlow[1][1] != 0 {
		t.Error("net flow b→b must be 0")
	}
	if none := s.Table(1); none.Suppressed != 0 {
		t.Errorf("minimum 1 hid %d cells", none.Suppressed)
	}
}

// Property: suppression never changes totals, never changes a visible
// count, hides every small non-zero cell, and leaves no line (row or
// column) with exactly one hidden cell unless the line has only that cell.
func TestSuppressionProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for iter := range 1000 {
		n := 1 + rng.IntN(8)
		var counts []TransitionCount
		for i := range n + 1 {
			for j := range n + 1 {
				if i == n && j == n {
					continue
				}
				from, to := string(rune('a'+i)), string(rune('a'+j))
				if i == n {
					from = ""
				}
				if j == n {
					to = ""
				}
				counts = append(counts, TransitionCount{date(2011, 1, 1), from, to, uint64(rng.IntN(40))})
			}
		}
		ss, err := SwitchingFromCounts(switchFilter, counts)
		if err != nil {
			t.Fatal(err)
		}
		s := ss[0]
		minCount := uint64(rng.IntN(30))
		tab := s.Table(minCount)
		size := len(s.Counts)
		rows, cols := make([]uint64, size), make([]uint64, size)
		var users uint64
		for i := range size {
			for j := range size {
				rows[i] += s.Counts[i][j]
				cols[j] += s.Counts[i][j]
				users += s.Counts[i][j]
				c := tab.Cells[i][j]
				if s.Counts[i][j] > 0 && s.Counts[i][j] < minCount && !c.Suppressed {
					t.Fatalf("iteration %d: small cell [%d][%d] = %d shown (min %d)", iter, i, j, s.Counts[i][j], minCount)
				}
				if !c.Suppressed && c.Count != s.Counts[i][j] {
					t.Fatalf("iteration %d: visible cell changed", iter)
				}
			}
		}
		if !slices.Equal(tab.RowTotals, rows) || !slices.Equal(tab.ColumnTotals, cols) || tab.Users != users {
			t.Fatalf("iteration %d: totals changed", iter)
		}
		for line := range 2 * size {
			cells, hidden := 0, 0
			for k := range size {
				i, j := line, k
				if line >= size {
					i, j = k, line-size
				}
				if i == size-1 && j == size-1 {
					continue
				}
				cells++
				if tab.Cells[i][j].Suppressed {
					hidden++
				}
			}
			if hidden == 1 && cells > 1 {
				t.Fatalf("iteration %d: line %d has one hidden cell of %d", iter, line, cells)
			}
		}
	}
}
