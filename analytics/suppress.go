package analytics

import "time"

// Cell is one displayed cell of a switching table.
type Cell struct {
	// Count is N_ij; 0 when Suppressed.
	Count uint64
	// P is N_ij / row total; nil when Suppressed (it would give the count
	// back) or when the row has no users.
	P *float64
	// Suppressed is true when the count is hidden for privacy.
	Suppressed bool
}

// SwitchingTable is a switching matrix made safe to display: counts below
// a minimum are hidden, totals stay exact.
type SwitchingTable struct {
	From, To time.Time
	// Networks label rows and columns 0..n-1; row n is the entrants, column
	// n the leavers (as in Switching), and cell [n][n] is always 0.
	Networks []string
	Cells    [][]Cell
	// RowTotals[i] and ColumnTotals[j] are Switching.Before and After,
	// exact whatever is hidden; Users is the grand total.
	RowTotals, ColumnTotals []uint64
	Users                   uint64
	// NetFlow[i][j] = N_ij − N_ji, nil when either cell is hidden.
	NetFlow [][]*int64
	// MinCount is the threshold used; Suppressed counts the hidden cells
	// (primary and secondary).
	MinCount   uint64
	Suppressed int
}

// Table renders s for display with small cells suppressed. A cell is hidden
// when 0 < N_ij < minCount (primary suppression; an empty cell reveals no
// one and stays visible). Because the totals are shown exactly, a line
// (row or column) with a single hidden cell would give it away by
// subtraction, so in every such line the smallest visible non-zero cell (or,
// if there is none, an empty one) is hidden too — secondary suppression —
// repeated until no line has exactly one hidden cell or no visible cell is
// left to hide. minCount 0 or 1 hides nothing.
func (s *Switching) Table(minCount uint64) SwitchingTable {
	n := len(s.Counts)
	out := n - 1 // the outside node
	hidden := square[bool](n)
	for i, row := range s.Counts {
		for j, c := range row {
			hidden[i][j] = c > 0 && c < minCount
		}
	}
	exists := func(i, j int) bool { return i != out || j != out }
	for changed := true; changed; {
		changed = false
		for line := range 2 * n {
			var cells [][2]int
			for k := range n {
				i, j := line, k
				if line >= n {
					i, j = k, line-n
				}
				if exists(i, j) {
					cells = append(cells, [2]int{i, j})
				}
			}
			// Pick the smallest visible non-zero cell, or failing that a
			// visible empty one.
			nHidden, pick := 0, [2]int{-1, -1}
			var pickCount uint64
			for _, c := range cells {
				cnt := s.Counts[c[0]][c[1]]
				switch {
				case hidden[c[0]][c[1]]:
					nHidden++
				case pick[0] < 0 || (cnt > 0 && (pickCount == 0 || cnt < pickCount)):
					pick, pickCount = c, cnt
				}
			}
			if nHidden == 1 && pick[0] >= 0 {
				hidden[pick[0]][pick[1]] = true
				changed = true
			}
		}
	}
	t := SwitchingTable{From: s.From, To: s.To, Networks: s.Networks, Cells: square[Cell](n),
		RowTotals: s.Before, ColumnTotals: s.After, Users: s.Users, NetFlow: square[*int64](n), MinCount: minCount}
	for i, row := range s.Counts {
		for j, c := range row {
			if hidden[i][j] {
				t.Cells[i][j] = Cell{Suppressed: true}
				t.Suppressed++
				continue
			}
			t.Cells[i][j] = Cell{Count: c}
			if s.P[i] != nil {
				t.Cells[i][j].P = ptr(s.P[i][j])
			}
		}
	}
	for i := range n {
		for j := range n {
			if !hidden[i][j] && !hidden[j][i] {
				t.NetFlow[i][j] = ptr(s.NetFlow[i][j])
			}
		}
	}
	return t
}
