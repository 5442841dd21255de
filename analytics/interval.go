package analytics

import (
	"cmp"
	"math"
	"slices"

	"github.com/imscope/imscope"
)

// Published figures are often bounds ("no more than 1%"), so a published
// market is not one share vector but a set of them: every vector whose exact
// rows are as published, whose "< x" rows lie in [0, x], whose "> x" rows
// lie at x or above, and whose total is at most 100. The functions here
// report each market figure as the exact-rows figure (bounds at their lower
// ends: "< x" at 0, "> x" at x) plus the interval [min, max] of the figure
// over that whole set. Bounds are read as closed ("< 1%" allows 1%): the
// interval is the closure, which is what a reader can check by hand.

// Interval is a closed range of a figure, Min ≤ Max. For measured shares
// (no bounds) Min = Max = the figure.
type Interval struct {
	Min, Max float64
}

// point is the interval of a figure known exactly.
func point(v float64) Interval { return Interval{v, v} }

// BoundedShare is one published row: a share in percent and whether it is
// exact (eq), a ceiling (lt: "< Share") or a floor (gt: "> Share").
type BoundedShare struct {
	Network string
	Share   float64
	Bound   imscope.Bound
}

// boundedRow is a row as the interval maths sees it: its share lies in
// [lo, lo+room], where room is +Inf for a floor (limited only by the total).
type boundedRow struct {
	network string
	lo      float64
	room    float64
	floor   bool // a "> x" row: room is whatever the total leaves
}

// boundedMarket is a validated set of bounded rows and the free mass
// 100 − Σ lower ends that the bounds may still distribute.
type boundedMarket struct {
	rows []boundedRow
	free float64
	idx  map[string]int
}

// newBoundedMarket validates rows: each share a percentage, each network
// once, each bound eq, lt or gt (empty means eq), and the lower ends (exact
// rows and floors) summing to at most 100 — else the row that takes the
// total over 100 is named. A floor at 100 or a ceiling at 0 are valid (the
// row is then fixed).
func newBoundedMarket(shares []BoundedShare) (*boundedMarket, error) {
	m := &boundedMarket{idx: make(map[string]int, len(shares))}
	var sum float64
	for i, s := range shares {
		if s.Network == "" {
			return nil, invalid("network", "row %d: empty network", i)
		}
		if _, dup := m.idx[s.Network]; dup {
			return nil, invalid("network", "row %d: %s appears twice", i, s.Network)
		}
		if !finite(s.Share) || s.Share < 0 || s.Share > 100 {
			return nil, invalid("share", "row %d (%s): %v is not a percentage", i, s.Network, s.Share)
		}
		r := boundedRow{network: s.Network}
		switch s.Bound {
		case imscope.BoundEq, "":
			r.lo = s.Share
		case imscope.BoundLt:
			r.room = s.Share
		case imscope.BoundGt:
			r.lo, r.room, r.floor = s.Share, math.Inf(1), true
		default:
			return nil, invalid("bound", "row %d (%s): %q is not one of eq, lt, gt", i, s.Network, s.Bound)
		}
		sum += r.lo
		if sum > 100+1e-9 {
			return nil, invalid("share", "row %d (%s): the exact figures and floors reach %.4g%% here, more than 100", i, s.Network, sum)
		}
		m.idx[s.Network] = len(m.rows)
		m.rows = append(m.rows, r)
	}
	m.free = math.Max(0, 100-sum)
	return m, nil
}

// lows are the rows at their lower ends: the exact-rows figures, as shares
// ready for Concentrate (lt rows at 0, so they still rank and join
// coalitions).
func (m *boundedMarket) lows() []NetworkShare {
	out := make([]NetworkShare, len(m.rows))
	for i, r := range m.rows {
		out[i] = NetworkShare{Network: r.network, Share: r.lo}
	}
	return out
}

// hhi is the HHI interval. Every share is ≥ 0, so Σ s² grows with each
// share: the minimum has every row at its lower end. Σ s² is convex, so its
// maximum over the (polytope) set is at a vertex; which one:
//   - with a floor row, all free mass F goes to the floor with the largest
//     lower end l: Σ(lo+d)² = Σlo² + Σ(2·lo·d + d²) ≤ Σlo² + 2·l·F + F²,
//     and only an uncapped row with the largest lo reaches that bound;
//   - with ceilings only, the free mass fills the largest ceilings first:
//     that vector majorises every other feasible one (its top-k sums are
//     the largest possible), and Σ s² is Schur-convex.
func (m *boundedMarket) hhi() Interval {
	var lo float64
	for _, r := range m.rows {
		lo += r.lo * r.lo
	}
	return Interval{lo, lo + m.hhiGain()}
}

// hhiGain is the largest increase of Σ s² the free mass allows.
func (m *boundedMarket) hhiGain() float64 {
	best := -1.0
	for _, r := range m.rows {
		if r.floor && r.lo > best {
			best = r.lo
		}
	}
	if best >= 0 {
		return 2*best*m.free + m.free*m.free
	}
	rooms := m.rooms(nil)
	var gain float64
	left := m.free
	for _, c := range rooms {
		d := math.Min(c, left)
		gain += d * d
		left -= d
	}
	return gain
}

// rooms returns the ceilings' rooms (of the rows in only, or of every row
// when only is nil), largest first.
func (m *boundedMarket) rooms(only []int) []float64 {
	var out []float64
	add := func(r boundedRow) {
		if !r.floor && r.room > 0 {
			out = append(out, r.room)
		}
	}
	if only == nil {
		for _, r := range m.rows {
			add(r)
		}
	} else {
		for _, i := range only {
			add(m.rows[i])
		}
	}
	slices.SortFunc(out, func(a, b float64) int { return cmp.Compare(b, a) })
	return out
}

// cr is the CR-k interval. CR-k (the sum of the k largest shares) grows
// with each share, so its minimum has every row at its lower end. Its
// maximum is the largest, over sets S of k rows, of what S alone can hold:
// Σ_S lo + min(F, Σ_S room). A set with a floor row takes all of F, so the
// best such set is the largest floor plus the k−1 largest other lower ends;
// a set without one holds its exact rows plus min(F, its ceilings' rooms),
// best with the j largest rooms and the k−j largest exact rows for some j.
func (m *boundedMarket) cr(k int) Interval {
	los := make([]float64, len(m.rows))
	for i, r := range m.rows {
		los[i] = r.lo
	}
	lo := topSum(los, k)
	best := lo
	floor := -1
	for i, r := range m.rows {
		if r.floor && (floor < 0 || r.lo > m.rows[floor].lo) {
			floor = i
		}
	}
	if floor >= 0 && k >= 1 {
		others := make([]float64, 0, len(m.rows))
		for i, r := range m.rows {
			if i != floor {
				others = append(others, r.lo)
			}
		}
		best = math.Max(best, m.rows[floor].lo+topSum(others, k-1)+m.free)
	}
	var exact []float64
	for _, r := range m.rows {
		if !r.floor && r.room == 0 {
			exact = append(exact, r.lo)
		}
	}
	rooms := m.rooms(nil)
	for j := 0; j <= k && j <= len(rooms); j++ {
		best = math.Max(best, topSum(exact, k-j)+math.Min(m.free, topSum(rooms, j)))
	}
	return Interval{lo, best}
}

// topSum is the sum of the k largest values (all of them when fewer).
func topSum(vs []float64, k int) float64 {
	s := slices.Clone(vs)
	slices.SortFunc(s, func(a, b float64) int { return cmp.Compare(b, a) })
	var sum float64
	for i := 0; i < k && i < len(s); i++ {
		sum += s[i]
	}
	return sum
}

// group returns the rows of members; ok is false when one has no row.
func (m *boundedMarket) group(members []string) ([]int, bool) {
	out := make([]int, 0, len(members))
	for _, n := range members {
		i, ok := m.idx[n]
		if !ok {
			return nil, false
		}
		out = append(out, i)
	}
	return out, true
}

// groupShare is the interval of the members' summed share: at least their
// lower ends, at most those plus what the free mass can put into them.
func (m *boundedMarket) groupShare(g []int) Interval {
	var lo, room float64
	for _, i := range g {
		lo += m.rows[i].lo
		room += m.rows[i].room
	}
	return Interval{lo, lo + math.Min(m.free, room)}
}

// gap is the interval of leader − Σ members: smallest with the leader at
// its lower end and the members at their highest, largest the other way.
func (m *boundedMarket) gap(leader int, g []int) Interval {
	l := m.groupShare([]int{leader})
	c := m.groupShare(g)
	return Interval{l.Min - c.Max, l.Max - c.Min}
}

// deltaHHI is the interval of ΔHHI = (Σ s)² − Σ s² = 2 Σ_{i<j} s_i s_j
// over the members. Every term grows with each share, so the minimum has
// the members at their lower ends and the maximum uses all the free mass
// the members can take, T = min(F, Σ room), spread to make Σ s² as small as
// possible for that total: water-filling, s_i = clamp(λ, lo_i, lo_i+room_i)
// with λ chosen so the members hold Σ lo + T (the KKT conditions of
// minimising Σ s² under a fixed sum and boxes).
func (m *boundedMarket) deltaHHI(g []int) Interval {
	var sum, sq float64
	for _, i := range g {
		r := m.rows[i]
		sum += r.lo
		sq += r.lo * r.lo
	}
	lo := sum*sum - sq
	var room float64
	for _, i := range g {
		room += m.rows[i].room
	}
	want := sum + math.Min(m.free, room)
	level := func(lambda float64) (total, squares float64) {
		for _, i := range g {
			r := m.rows[i]
			s := math.Min(math.Max(lambda, r.lo), r.lo+r.room)
			total += s
			squares += s * s
		}
		return total, squares
	}
	a, b := 0.0, 100.0
	for range 200 {
		mid := (a + b) / 2
		if t, _ := level(mid); t < want {
			a = mid
		} else {
			b = mid
		}
	}
	total, squares := level(b)
	return Interval{lo, math.Max(lo, total*total-squares)}
}

// ConcentrateBounded is Concentrate for published rows that may be bounds:
// the exact-rows figures (each "< x" row at 0, each "> x" row at x) with
// every interval filled in — HHI, CR1/CR2/CR4, and each coalition's share,
// gap and ΔHHI. Coalitions are ranks 2..k of the exact-rows figures (ties
// by network id), so a coalition names the same networks however the bounds
// are resolved. The seed's 2010-Q3 (five exact rows, three "< 1%") gives
// HHI 5,982.6 in [5,982.6, 5,984.3]: the three "< 1%" rows can hold at most
// the 1.85 points the exact rows leave, and Σ s² is largest with 1 and 0.85.
func ConcentrateBounded(shares []BoundedShare) (Concentration, error) {
	m, err := newBoundedMarket(shares)
	if err != nil {
		return Concentration{}, err
	}
	return m.concentrate()
}

func (m *boundedMarket) concentrate() (Concentration, error) {
	c, err := Concentrate(m.lows())
	if err != nil {
		return c, err
	}
	c.HHIRange = m.hhi()
	c.CR1Range, c.CR2Range, c.CR4Range = m.cr(1), m.cr(2), m.cr(4)
	if len(c.Coalitions) == 0 {
		return c, nil
	}
	leader := m.idx[c.Leader.Network]
	for i := range c.Coalitions {
		co := &c.Coalitions[i]
		g, _ := m.group(co.Members)
		co.ShareRange = m.groupShare(g)
		co.GapRange = m.gap(leader, g)
		co.DeltaHHIRange = m.deltaHHI(g)
	}
	return c, nil
}

// MergeBounded is Merge for published rows that may be bounds: the
// exact-rows arithmetic plus the intervals of the merged share, HHI before
// and ΔHHI.
func MergeBounded(shares []BoundedShare, members []string) (Merger, error) {
	m, err := newBoundedMarket(shares)
	if err != nil {
		return Merger{}, err
	}
	return m.merge(members)
}

func (m *boundedMarket) merge(members []string) (Merger, error) {
	mg, err := Merge(m.lows(), members)
	if err != nil {
		return mg, err
	}
	g, _ := m.group(mg.Members)
	mg.ShareRange = m.groupShare(g)
	mg.HHIBeforeRange = m.hhi()
	mg.DeltaHHIRange = m.deltaHHI(g)
	return mg, nil
}
