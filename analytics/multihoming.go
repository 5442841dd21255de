package analytics

import (
	"slices"
	"strings"

	"github.com/imscope/imscope"
)

// SignatureCount is how many users are on exactly one set of networks — a
// row of
//
//	SELECT arraySort(groupUniqArray(network)) AS sig, ... GROUP BY user_key
//	→ SELECT sig, count() GROUP BY sig
//
// Working on signatures instead of users keeps multi-homing and
// reachability independent of the panel size: 10M users on 12 networks
// have at most 4,095 signatures.
type SignatureCount struct {
	Networks []string // the set, in any order; no duplicates, not empty
	Users    uint64
}

// signatures is a validated, canonical set of signature counts: sorted
// network sets, rows with the same set summed, networks numbered.
type signatures struct {
	networks []string       // every network in some signature, sorted
	index    map[string]int // network → position in networks
	sets     [][]int        // each signature's networks, as positions
	users    []uint64
	total    uint64
}

func newSignatures(rows []SignatureCount) (*signatures, error) {
	sg := &signatures{index: map[string]int{}}
	canon := map[string]int{}
	var sorted [][]string
	for i, r := range rows {
		if len(r.Networks) == 0 {
			return nil, invalid("signature", "row %d: a signature names at least one network", i)
		}
		set := slices.Sorted(slices.Values(r.Networks))
		for k, n := range set {
			if n == "" {
				return nil, invalid("signature", "row %d: empty network", i)
			}
			if k > 0 && set[k-1] == n {
				return nil, invalid("signature", "row %d: %s appears twice", i, n)
			}
		}
		if r.Users == 0 {
			continue
		}
		key := strings.Join(set, "\x00")
		if at, ok := canon[key]; ok { // the same set in another order: one signature
			sg.users[at] += r.Users
		} else {
			canon[key] = len(sorted)
			sorted = append(sorted, set)
			sg.users = append(sg.users, r.Users)
		}
		sg.total += r.Users
		for _, n := range set {
			sg.index[n] = 0
		}
	}
	for n := range sg.index {
		sg.networks = append(sg.networks, n)
	}
	slices.Sort(sg.networks)
	for i, n := range sg.networks {
		sg.index[n] = i
	}
	sg.sets = make([][]int, len(sorted))
	for s, set := range sorted {
		sg.sets[s] = make([]int, len(set))
		for k, n := range set {
			sg.sets[s][k] = sg.index[n]
		}
	}
	return sg, nil
}

// MultiHoming describes how many users keep several networks, and which
// networks' users overlap.
type MultiHoming struct {
	Users uint64 // everyone in the signatures
	// PerUser[k-1] is the users on exactly k networks, k = 1..max.
	PerUser []NetworksPerUser
	// Mean is the average number of networks per user, Σ k·users_k / Users.
	Mean float64
	// MultiHomers are the users on two or more networks; MultiHomingShare
	// is their share of Users in percent.
	MultiHomers      uint64
	MultiHomingShare float64
	// Networks are the per-network totals, by id.
	Networks []NetworkUsers
	// Pairs has one entry for every unordered pair of (selected) networks
	// A < B, in id order, overlapping or not.
	Pairs []Overlap
}

// NetworksPerUser is one bar of the networks-per-user distribution.
type NetworksPerUser struct {
	Networks int     // k
	Users    uint64  // users on exactly k networks
	Share    float64 // percent of all users
}

// NetworkUsers is one network's reach in the panel.
type NetworkUsers struct {
	Network string
	Users   uint64  // |A|: users on the network (alone or with others)
	Only    uint64  // users on this network and no other
	Share   float64 // |A| / Users × 100; shares add up to Mean × 100
}

// Overlap is the overlap of two networks' user bases.
type Overlap struct {
	A, B    string
	Both    uint64  // |A∩B|: users on both
	Either  uint64  // |A∪B| = |A| + |B| − |A∩B|
	Jaccard float64 // |A∩B| / |A∪B|
	BGivenA float64 // P(B|A) = |A∩B| / |A|: share of A's users also on B
	AGivenB float64 // P(A|B) = |A∩B| / |B|
}

// MultiHomingFromSignatures computes the networks-per-user distribution and
// pairwise overlaps from signature counts:
//
//	|A| = Σ_{sig ∋ A} users(sig)      |A∩B| = Σ_{sig ∋ A,B} users(sig)
//	Jaccard = |A∩B| / (|A| + |B| − |A∩B|)    P(B|A) = |A∩B| / |A|
//
// Cost is Σ over signatures of (networks in it)², independent of users.
// When f.Networks is set, only pairs of selected networks are listed; the
// distribution always counts every network a user is on. Other fields of f
// are not used (the signatures are already of one period and segment).
//
// Example (docs/metrics.md): {qq}×6, {qq,msn}×3, {msn}×1 → |qq| = 9,
// |msn| = 4, |qq∩msn| = 3, Jaccard 3/10, P(msn|qq) = 3/9.
func MultiHomingFromSignatures(f imscope.Filter, rows []SignatureCount) (MultiHoming, error) {
	sg, err := newSignatures(rows)
	if err != nil {
		return MultiHoming{}, err
	}
	n := len(sg.networks)
	mh := MultiHoming{Users: sg.total}
	on, only := make([]uint64, n), make([]uint64, n)
	both := square[uint64](n)
	var perUser []uint64
	for s, set := range sg.sets {
		c := sg.users[s]
		for len(perUser) < len(set) {
			perUser = append(perUser, 0)
		}
		perUser[len(set)-1] += c
		for a, i := range set {
			on[i] += c
			for _, j := range set[a+1:] {
				both[i][j] += c
			}
		}
		if len(set) == 1 {
			only[set[0]] += c
		}
	}
	if sg.total == 0 {
		return mh, nil
	}
	total := float64(sg.total)
	var sumK float64
	for k, u := range perUser {
		mh.PerUser = append(mh.PerUser, NetworksPerUser{Networks: k + 1, Users: u, Share: float64(u) / total * 100})
		sumK += float64(k+1) * float64(u)
		if k > 0 {
			mh.MultiHomers += u
		}
	}
	mh.Mean = sumK / total
	mh.MultiHomingShare = float64(mh.MultiHomers) / total * 100
	sel := newSelection(f.Networks)
	for i, name := range sg.networks {
		mh.Networks = append(mh.Networks, NetworkUsers{Network: name, Users: on[i], Only: only[i], Share: float64(on[i]) / total * 100})
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			a, b := sg.networks[i], sg.networks[j]
			if sel.fold(a) == OtherNetwork || sel.fold(b) == OtherNetwork {
				continue
			}
			o := Overlap{A: a, B: b, Both: both[i][j], Either: on[i] + on[j] - both[i][j]}
			o.Jaccard = float64(o.Both) / float64(o.Either)
			o.BGivenA = float64(o.Both) / float64(on[i])
			o.AGivenB = float64(o.Both) / float64(on[j])
			mh.Pairs = append(mh.Pairs, o)
		}
	}
	return mh, nil
}
