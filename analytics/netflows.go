package analytics

import (
	"cmp"
	"slices"
)

// NetFlow is the net movement between two networks: A gained Users from B
// (N_BA − N_AB > 0).
type NetFlow struct {
	A, B  string
	Users int64
}

// NetFlows lists every visible net movement between two networks, largest
// first (ties by the ids A then B written together); entrants, leavers and
// pairs with a hidden cell are left out.
func (d Disclosure) NetFlows() []NetFlow {
	n := len(d.Networks)
	var out []NetFlow
	for i := range n {
		for j := range n {
			if f := d.NetFlow[i][j]; f != nil && i != j && *f > 0 {
				out = append(out, NetFlow{A: d.Networks[j], B: d.Networks[i], Users: *f})
			}
		}
	}
	slices.SortFunc(out, func(a, b NetFlow) int { return cmp.Or(cmp.Compare(b.Users, a.Users), cmp.Compare(a.A+a.B, b.A+b.B)) })
	return out
}

// NetGains is each network's net gain from switching with the other
// networks, Σ_i (N_ij − N_ji) over the visible pairs; entrants and leavers
// apart.
func (d Disclosure) NetGains() map[string]int64 {
	n := len(d.Networks)
	gain := make(map[string]int64, n)
	for i := range n {
		for j := range n {
			if f := d.NetFlow[i][j]; f != nil && i != j {
				gain[d.Networks[j]] += *f // N_ij − N_ji: what j gained from i
			}
		}
	}
	return gain
}
