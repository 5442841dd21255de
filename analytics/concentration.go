package analytics

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/imscope/imscope"
)

// NetworkShare is one network's market share in percent.
type NetworkShare struct {
	Network string
	Share   float64 // percent, 0–100
}

// Band is a concentration band of a merger-guidelines regime.
type Band string

const (
	// Unconcentrated: HHI below 1,500 (2010 Horizontal Merger Guidelines).
	Unconcentrated Band = "unconcentrated"
	// ModeratelyConcentrated: HHI from 1,500 to 2,500 inclusive (2010).
	ModeratelyConcentrated Band = "moderately concentrated"
	// HighlyConcentrated: HHI above 2,500 (2010) or above 1,800 (2023).
	HighlyConcentrated Band = "highly concentrated"
	// NotHighlyConcentrated: HHI of 1,800 or less; the 2023 Merger
	// Guidelines draw only the one line.
	NotHighlyConcentrated Band = "not highly concentrated"
)

// Band2010 classifies an HHI under the 2010 US Horizontal Merger
// Guidelines: < 1,500 unconcentrated, 1,500–2,500 moderately concentrated,
// > 2,500 highly concentrated (so 1,500 and 2,500 are both moderate).
func Band2010(hhi float64) Band {
	switch {
	case hhi < 1500:
		return Unconcentrated
	case hhi <= 2500:
		return ModeratelyConcentrated
	default:
		return HighlyConcentrated
	}
}

// Band2023 classifies an HHI under the 2023 US Merger Guidelines: above
// 1,800 is highly concentrated.
func Band2023(hhi float64) Band {
	if hhi > 1800 {
		return HighlyConcentrated
	}
	return NotHighlyConcentrated
}

// Concentration describes how concentrated one period's market is.
type Concentration struct {
	Period   time.Time // zero when computed from a bare list of shares
	Networks int       // networks with a share
	// HHI = Σ s_i² with s in percent, 0–10,000. With shares summing to 100
	// it lies between 10,000/Networks (equal shares) and 10,000 (monopoly).
	HHI      float64
	Band2010 Band
	Band2023 Band
	// CR1, CR2 and CR4 are the summed shares of the 1, 2 and 4 largest
	// networks, in percent (fewer networks: all of them).
	CR1, CR2, CR4 float64
	// HHIRange and CR1Range…CR4Range are the intervals the figures can take
	// when some shares are published as bounds (ConcentrateBounded); for
	// exact shares Min = Max = the figure.
	HHIRange, CR1Range, CR2Range, CR4Range Interval
	Leader                                 NetworkShare
	// Coalitions has one entry for every k from 2 to Networks: what if the
	// networks ranked 2..k united against the leader.
	Coalitions []Coalition
}

// Coalition is the "even if ranks 2..k united" question.
type Coalition struct {
	K       int      // the coalition is ranks 2..K
	Members []string // their network ids, by rank
	Share   float64  // Σ shares of ranks 2..K, percent
	// Gap = leader's share − Share, in points; positive while the leader
	// still outweighs the united challengers.
	Gap float64
	// HHI is the market's HHI if the members merged into one network:
	// HHI − Σ s_r² + (Σ s_r)²; DeltaHHI is the increase, (Σ s_r)² − Σ s_r².
	HHI      float64
	DeltaHHI float64
	// ShareRange, GapRange and DeltaHHIRange are the intervals of Share,
	// Gap and DeltaHHI under published bounds (Min = Max for exact shares).
	ShareRange, GapRange, DeltaHHIRange Interval
}

// rankNetworkShares validates shares and returns them largest first, ties
// by network id. Shares need not sum to 100 (published figures often omit
// the small networks) but may not exceed it.
func rankNetworkShares(shares []NetworkShare) ([]NetworkShare, error) {
	seen := map[string]bool{}
	var sum float64
	for i, s := range shares {
		if s.Network == "" {
			return nil, invalid("network", "share %d: empty network", i)
		}
		if seen[s.Network] {
			return nil, invalid("network", "share %d: %s appears twice", i, s.Network)
		}
		seen[s.Network] = true
		if !finite(s.Share) || s.Share < 0 || s.Share > 100 {
			return nil, invalid("share", "%s: %v is not a percentage", s.Network, s.Share)
		}
		sum += s.Share
	}
	if sum > 100+1e-6 {
		return nil, invalid("share", "shares sum to %.6f%%, more than 100", sum)
	}
	r := slices.Clone(shares)
	slices.SortFunc(r, func(a, b NetworkShare) int {
		if c := cmp.Compare(b.Share, a.Share); c != 0 {
			return c
		}
		return cmp.Compare(a.Network, b.Network)
	})
	return r, nil
}

// HHI is the Herfindahl–Hirschman index Σ s_i², shares in percent (0–10,000).
// Example: 40, 30, 20, 10 → 1,600 + 900 + 400 + 100 = 3,000.
func HHI(shares []NetworkShare) (float64, error) {
	r, err := rankNetworkShares(shares)
	if err != nil {
		return 0, err
	}
	return hhi(r), nil
}

func hhi(r []NetworkShare) float64 {
	var h float64
	for _, s := range r {
		h += s.Share * s.Share
	}
	return h
}

// CR is the k-firm concentration ratio: the sum of the k largest shares, in
// percent (all shares when there are fewer than k).
func CR(shares []NetworkShare, k int) (float64, error) {
	if k < 1 {
		return 0, invalid("k", "must be at least 1, not %d", k)
	}
	r, err := rankNetworkShares(shares)
	if err != nil {
		return 0, err
	}
	return cr(r, k), nil
}

func cr(r []NetworkShare, k int) float64 {
	var c float64
	for i := 0; i < k && i < len(r); i++ {
		c += r[i].Share
	}
	return c
}

// Concentrate computes HHI, its bands, CR1/CR2/CR4 and every coalition gap
// for one market. Shares are used as given (percent), not renormalised: the
// Analysys 2010-Q3 figures for QQ, Wangwang, Fetion, MSN and Skype (76.37,
// 9.81, 5.55, 4.34, 2.08; 98.15 in all) give HHI 5,982.6, CR4 96.07 and a
// ranks-2–5 coalition of 21.78, 54.59 points behind QQ.
func Concentrate(shares []NetworkShare) (Concentration, error) {
	r, err := rankNetworkShares(shares)
	if err != nil {
		return Concentration{}, err
	}
	h := hhi(r)
	c := Concentration{Networks: len(r), HHI: h, Band2010: Band2010(h), Band2023: Band2023(h),
		CR1: cr(r, 1), CR2: cr(r, 2), CR4: cr(r, 4)}
	c.HHIRange, c.CR1Range, c.CR2Range, c.CR4Range = point(c.HHI), point(c.CR1), point(c.CR2), point(c.CR4)
	if len(r) == 0 {
		return c, nil
	}
	c.Leader = r[0]
	var sum, squares float64
	var members []string
	for k := 2; k <= len(r); k++ {
		s := r[k-1]
		sum += s.Share
		squares += s.Share * s.Share
		members = append(members, s.Network)
		c.Coalitions = append(c.Coalitions, Coalition{
			K: k, Members: slices.Clone(members), Share: sum, Gap: r[0].Share - sum,
			HHI: h - squares + sum*sum, DeltaHHI: sum*sum - squares,
			ShareRange: point(sum), GapRange: point(r[0].Share - sum), DeltaHHIRange: point(sum*sum - squares),
		})
	}
	return c, nil
}

// ConcentrationSeries computes Concentrate for every period of f from
// "GROUP BY period, network" rows of f's metric. Concentration is always of
// the whole market: f.Networks is ignored, since folding networks together
// would overstate the HHI. Periods without rows are missing, not zero.
func ConcentrationSeries(f imscope.Filter, rows []ShareInput) ([]Concentration, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return concentrationSeries(f, rows)
}

// concentrationSeries is ConcentrationSeries for a filter validated where
// it entered.
func concentrationSeries(f imscope.Filter, rows []ShareInput) ([]Concentration, error) {
	whole := f
	whole.Networks = nil
	periods, err := shares(whole, rows, 0)
	if err != nil {
		return nil, err
	}
	out := make([]Concentration, 0, len(periods))
	for _, ps := range periods {
		shares := make([]NetworkShare, len(ps.Shares))
		for i, s := range ps.Shares {
			shares[i] = NetworkShare{Network: s.Network, Share: s.Share}
		}
		c, err := Concentrate(shares)
		if err != nil {
			return nil, err
		}
		c.Period = ps.Period
		out = append(out, c)
	}
	return out, nil
}

// Merger is the arithmetic of a hypothetical merger of some networks (or
// of interconnecting them so completely that they act as one).
type Merger struct {
	Members []string // the merging networks, by rank
	Share   float64  // the merged network's share, Σ s_i, percent
	// HHIBefore and HHIAfter are the market's HHI; DeltaHHI = HHIAfter −
	// HHIBefore = (Σ s_i)² − Σ s_i², which for two networks a, b is 2ab.
	HHIBefore, HHIAfter, DeltaHHI float64
	Band2010, Band2023            Band // of HHIAfter
	// Presumed2010: the 2010 Horizontal Merger Guidelines presume a merger
	// likely to enhance market power when it yields a highly concentrated
	// market (HHI > 2,500) and raises HHI by more than 200.
	Presumed2010 bool
	// Presumed2023: the 2023 Merger Guidelines presume a merger harms
	// competition when it raises HHI by more than 100 in a highly
	// concentrated market (HHI after > 1,800), or when the merged firm's
	// share exceeds 30% and HHI rises by more than 100.
	Presumed2023 bool
	// ShareRange, HHIBeforeRange and DeltaHHIRange are the intervals of
	// Share, HHIBefore and DeltaHHI under published bounds (MergeBounded);
	// Min = Max for exact shares.
	ShareRange, HHIBeforeRange, DeltaHHIRange Interval
}

// Merge computes HHI before and after the named networks merge:
//
//	ΔHHI = (Σ s_i)² − Σ s_i²   (= 2ab for two networks a and b)
//
// Example: in a 40/30/20/10 market, merging the 20 and the 10 raises HHI
// by 2 × 20 × 10 = 400, from 3,000 to 3,400: presumed harmful in 2023.
func Merge(shares []NetworkShare, members []string) (Merger, error) {
	r, err := rankNetworkShares(shares)
	if err != nil {
		return Merger{}, err
	}
	want := map[string]bool{}
	for _, m := range members {
		if want[m] {
			return Merger{}, invalid("networks", "%s is named twice", m)
		}
		want[m] = true
	}
	if len(want) < 2 {
		return Merger{}, invalid("networks", "a merger needs at least two networks, got %d", len(want))
	}
	m := Merger{HHIBefore: hhi(r)}
	var squares float64
	for _, s := range r {
		if want[s.Network] {
			m.Members = append(m.Members, s.Network)
			m.Share += s.Share
			squares += s.Share * s.Share
			delete(want, s.Network)
		}
	}
	if len(want) > 0 {
		return Merger{}, invalid("networks", "no share for %v", slices.Sorted(maps.Keys(want)))
	}
	m.DeltaHHI = m.Share*m.Share - squares
	m.HHIAfter = m.HHIBefore + m.DeltaHHI
	m.Band2010, m.Band2023 = Band2010(m.HHIAfter), Band2023(m.HHIAfter)
	m.Presumed2010 = m.HHIAfter > 2500 && m.DeltaHHI > 200
	m.Presumed2023 = m.DeltaHHI > 100 && (m.HHIAfter > 1800 || m.Share > 30)
	m.ShareRange, m.HHIBeforeRange, m.DeltaHHIRange = point(m.Share), point(m.HHIBefore), point(m.DeltaHHI)
	return m, nil
}
