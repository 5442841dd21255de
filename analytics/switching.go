package analytics

import (
	"cmp"
	"slices"
	"time"

	"github.com/imscope/imscope"
)

// TransitionCount is how many users moved from one primary network in
// period p to another in the next period — a row of
//
//	SELECT p, from_network, to_network, count() ... GROUP BY p, from_network, to_network
//
// over a FULL OUTER JOIN of the primaries of p and p+1. An empty network is
// the outside of the panel, as that join fills it: From "" is an entrant
// (no primary at p), To "" a leaver (no primary at p+1).
type TransitionCount struct {
	Period time.Time // start of p, the earlier period
	From   string    // primary at p; "" for entrants
	To     string    // primary at p+1; "" for leavers
	Users  uint64
}

// Primary is a panel user's primary network in one period.
type Primary struct {
	Period  time.Time
	UserKey uint64
	Network string
}

// beats reports whether record a makes a better primary than b: more
// active days, then more messages, then the smaller network id.
func beats(a, b imscope.PanelRecord) bool {
	if a.ActiveDays != b.ActiveDays {
		return a.ActiveDays > b.ActiveDays
	}
	if a.Messages != b.Messages {
		return a.Messages > b.Messages
	}
	return a.Network < b.Network
}

// Primaries picks each panel user's primary network in each period of f:
// the network with the most active days, then the most messages, then the
// smallest network id, so every user has exactly one. Records with no
// activity (0 days and 0 messages) do not make a user present; records of
// other segments (when f.Segment is set) and outside f's range are ignored.
// The result is ordered by period, then user key.
func Primaries(f imscope.Filter, records []imscope.PanelRecord) ([]Primary, error) {
	if err := checkPeriods(f); err != nil {
		return nil, err
	}
	type userPeriod struct {
		p time.Time
		u uint64
	}
	type userNet struct {
		userPeriod
		n string
	}
	best := map[userPeriod]imscope.PanelRecord{}
	seen := map[userNet]bool{}
	for i, r := range records {
		if err := checkAligned("period", i, f.Granularity, r.Period); err != nil {
			return nil, err
		}
		if r.Network == "" {
			return nil, invalid("network", "record %d: empty network", i)
		}
		k := userNet{userPeriod{r.Period.UTC(), r.UserKey}, r.Network}
		if seen[k] {
			return nil, invalid("records", "record %d: user %d appears twice on %s in %s", i, r.UserKey, r.Network, r.Period.Format(time.DateOnly))
		}
		seen[k] = true
		if (f.Segment != "" && r.Segment != f.Segment) || !inRange(f, k.p) || (r.ActiveDays == 0 && r.Messages == 0) {
			continue
		}
		if b, ok := best[k.userPeriod]; !ok || beats(r, b) {
			best[k.userPeriod] = r
		}
	}
	out := make([]Primary, 0, len(best))
	for k, r := range best {
		out = append(out, Primary{Period: k.p, UserKey: k.u, Network: r.Network})
	}
	slices.SortFunc(out, func(a, b Primary) int {
		if c := a.Period.Compare(b.Period); c != 0 {
			return c
		}
		return cmp.Compare(a.UserKey, b.UserKey)
	})
	return out, nil
}

// TransitionsFromPanel counts, for every pair of consecutive periods p, p+1
// of f that both have panel records, the users by (primary at p, primary at
// p+1), with "" for absent — the same rows the ClickHouse query returns for
// large panels. A period without any records is missing: it yields no
// transitions, rather than every user "leaving".
func TransitionsFromPanel(f imscope.Filter, records []imscope.PanelRecord) ([]TransitionCount, error) {
	prim, err := Primaries(f, records)
	if err != nil {
		return nil, err
	}
	byPeriod := map[time.Time]map[uint64]string{}
	for _, p := range prim {
		if byPeriod[p.Period] == nil {
			byPeriod[p.Period] = map[uint64]string{}
		}
		byPeriod[p.Period][p.UserKey] = p.Network
	}
	type key struct {
		p        time.Time
		from, to string
	}
	counts := map[key]uint64{}
	for p, before := range byPeriod {
		next := f.Granularity.Next(p)
		after, ok := byPeriod[next]
		if !ok || !next.Before(f.To) {
			continue
		}
		for u, from := range before {
			counts[key{p, from, after[u]}]++ // "" when absent at p+1
		}
		for u, to := range after {
			if _, ok := before[u]; !ok {
				counts[key{p, "", to}]++
			}
		}
	}
	out := make([]TransitionCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, TransitionCount{Period: k.p, From: k.from, To: k.to, Users: n})
	}
	slices.SortFunc(out, func(a, b TransitionCount) int {
		if c := a.Period.Compare(b.Period); c != 0 {
			return c
		}
		if c := cmp.Compare(a.From, b.From); c != 0 {
			return c
		}
		return cmp.Compare(a.To, b.To)
	})
	return out, nil
}

// Switching is who went where between two consecutive periods p and p+1.
//
// Matrices are (n+1)×(n+1) over the states Networks[0..n-1] plus the
// outside of the panel at index n (= len(Networks)): row n holds the
// entrants (absent at p), column n the leavers (absent at p+1), and the
// cell [n][n] is always 0 (users absent in both periods are not seen).
type Switching struct {
	From, To time.Time // starts of p and p+1
	// Networks are the network states, by id with OtherNetwork last; every
	// matrix of one SwitchingFromCounts call uses the same list.
	Networks []string
	// Counts[i][j] = N_ij, users primary on i at p and on j at p+1.
	Counts [][]uint64
	// Before[i] = Σ_j N_ij, users primary on i at p (Before[n]: entrants).
	Before []uint64
	// After[j] = Σ_i N_ij, users primary on j at p+1 (After[n]: leavers).
	After []uint64
	// Users = Σ N_ij, everyone seen in either period.
	Users uint64
	// P[i][j] = N_ij / Σ_k N_ik (k over every column, leavers included):
	// where the users of i at p were at p+1. Row n is where entrants went.
	// A row is nil when its state had no users.
	P [][]float64
	// Retention[i] = P_ii, the share of i's users still primary on i; nil
	// when i had no users at p. Retention[n] is always nil.
	Retention []*float64
	// NetFlow[i][j] = N_ij − N_ji: users i lost to j, net (negative: gained).
	// NetFlow[i][n] is i's leavers minus its entrants.
	NetFlow [][]int64
	// Diversion[i][j] = N_ij / Σ_{k≠i} N_ik: of the users who left i
	// (leavers included), the share that went to j. Diversion[i][i] is 0;
	// a row is nil when nobody left i.
	Diversion [][]float64
}

// SwitchingFromCounts builds one switching matrix per pair of consecutive
// periods (p, p+1) of f that has counts, from pre-aggregated transition
// counts, so the per-user work stays in ClickHouse. Counts whose p or p+1
// fall outside f's range are ignored; pairs without counts are missing.
// When f.Networks is set, unselected networks are folded into OtherNetwork.
//
// Formulas (i, j networks or the outside node):
//
//	P_ij = N_ij / Σ_k N_ik         retention_i = P_ii
//	net flow i→j = N_ij − N_ji     D_ij = N_ij / Σ_{k≠i} N_ik
func SwitchingFromCounts(f imscope.Filter, counts []TransitionCount) ([]Switching, error) {
	if err := checkPeriods(f); err != nil {
		return nil, err
	}
	sel := newSelection(f.Networks)
	type key struct {
		p        time.Time
		from, to string
	}
	seen := make(map[key]bool, len(counts))
	kept := make([]TransitionCount, 0, len(counts))
	nets := map[string]bool{}
	for i, c := range counts {
		if err := checkAligned("period", i, f.Granularity, c.Period); err != nil {
			return nil, err
		}
		if c.From == "" && c.To == "" {
			return nil, invalid("network", "count %d: a user absent in both periods cannot be counted", i)
		}
		k := key{c.Period.UTC(), c.From, c.To}
		if seen[k] {
			return nil, invalid("counts", "count %d: %q → %q appears twice for %s", i, c.From, c.To, c.Period.Format(time.DateOnly))
		}
		seen[k] = true
		if !inRange(f, k.p) || !f.Granularity.Next(k.p).Before(f.To) {
			continue
		}
		c.Period = k.p
		if c.From != "" {
			c.From = sel.fold(c.From)
			nets[c.From] = true
		}
		if c.To != "" {
			c.To = sel.fold(c.To)
			nets[c.To] = true
		}
		kept = append(kept, c)
	}
	networks := sortNetworks(nets)
	index := make(map[string]int, len(networks)+1)
	for i, n := range networks {
		index[n] = i
	}
	index[""] = len(networks)
	byPeriod := map[time.Time]*Switching{}
	for _, c := range kept {
		s := byPeriod[c.Period]
		if s == nil {
			s = &Switching{From: c.Period, To: f.Granularity.Next(c.Period), Networks: networks, Counts: square[uint64](len(networks) + 1)}
			byPeriod[c.Period] = s
		}
		s.Counts[index[c.From]][index[c.To]] += c.Users
	}
	out := make([]Switching, 0, len(byPeriod))
	for _, s := range byPeriod {
		s.derive()
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Switching) int { return a.From.Compare(b.From) })
	return out, nil
}

// SwitchingFromPanel is SwitchingFromCounts over TransitionsFromPanel: for
// small panels held in memory. Large panels are counted in ClickHouse.
func SwitchingFromPanel(f imscope.Filter, records []imscope.PanelRecord) ([]Switching, error) {
	counts, err := TransitionsFromPanel(f, records)
	if err != nil {
		return nil, err
	}
	return SwitchingFromCounts(f, counts)
}

// sortNetworks orders network states by id, OtherNetwork last, so matrices
// of different periods line up.
func sortNetworks(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b string) int {
		if (a == OtherNetwork) != (b == OtherNetwork) {
			if a == OtherNetwork {
				return 1
			}
			return -1
		}
		return cmp.Compare(a, b)
	})
	return out
}

func square[T any](n int) [][]T {
	m := make([][]T, n)
	cells := make([]T, n*n)
	for i := range m {
		m[i] = cells[i*n : (i+1)*n : (i+1)*n]
	}
	return m
}

// derive fills the totals and ratio matrices from Counts.
func (s *Switching) derive() {
	n := len(s.Counts)
	s.Before, s.After = make([]uint64, n), make([]uint64, n)
	s.Users = 0
	for i, row := range s.Counts {
		for j, c := range row {
			s.Before[i] += c
			s.After[j] += c
			s.Users += c
		}
	}
	s.P, s.Diversion = make([][]float64, n), make([][]float64, n)
	s.Retention = make([]*float64, n)
	s.NetFlow = square[int64](n)
	for i, row := range s.Counts {
		if s.Before[i] > 0 {
			s.P[i] = make([]float64, n)
			for j, c := range row {
				s.P[i][j] = float64(c) / float64(s.Before[i])
			}
			if i < n-1 {
				s.Retention[i] = ptr(s.P[i][i])
			}
		}
		if left := s.Before[i] - row[i]; left > 0 {
			s.Diversion[i] = make([]float64, n)
			for j, c := range row {
				if j != i {
					s.Diversion[i][j] = float64(c) / float64(left)
				}
			}
		}
		for j, c := range row {
			s.NetFlow[i][j] = int64(c) - int64(s.Counts[j][i])
		}
	}
}

// Outside is the index of the outside-the-panel state (entrant row, leaver
// column) in s's matrices.
func (s *Switching) Outside() int { return len(s.Networks) }

// Shares is the distribution of primaries at p+1 over the networks, in
// percent (After[j] / Σ_networks After × 100): the natural start of a
// Forecast. Nil when nobody was on a network at p+1.
func (s *Switching) Shares() []float64 {
	n := len(s.Networks)
	var total uint64
	for j := range n {
		total += s.After[j]
	}
	if total == 0 {
		return nil
	}
	out := make([]float64, n)
	for j := range n {
		out[j] = float64(s.After[j]) / float64(total) * 100
	}
	return out
}
