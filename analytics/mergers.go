package analytics

import (
	"context"
	"slices"
	"time"

	"github.com/imscope/imscope/queries"
)

// PeriodMerger is a merger scenario in one period.
type PeriodMerger struct {
	Period time.Time
	// Present are the members with a share in the period, in the order
	// given; Missing those without one.
	Present, Missing []string
	// Merger is the arithmetic (Merge); nil when a member is missing.
	Merger *Merger
}

// Mergers computes Merge in every period for the same members, so a
// scenario can be followed over time. A period where a member has no share
// has no arithmetic (the merger would be of fewer networks); absent lists
// the members with no share in any period, which a caller will want to
// report as a bad name rather than an empty answer.
func Mergers(periods []PeriodShares, members []string) (out []PeriodMerger, absent []string, err error) {
	seen := map[string]bool{}
	for _, ps := range periods {
		shares := make([]NetworkShare, len(ps.Shares))
		has := map[string]bool{}
		for i, s := range ps.Shares {
			shares[i] = NetworkShare{Network: s.Network, Share: s.Share}
			has[s.Network] = true
		}
		pm := PeriodMerger{Period: ps.Period}
		for _, m := range members {
			if has[m] {
				pm.Present = append(pm.Present, m)
				seen[m] = true
			} else {
				pm.Missing = append(pm.Missing, m)
			}
		}
		if len(pm.Missing) == 0 {
			m, err := Merge(shares, pm.Present)
			if err != nil {
				return nil, nil, err
			}
			pm.Merger = &m
		}
		out = append(out, pm)
	}
	for _, m := range members {
		if !seen[m] && !slices.Contains(absent, m) {
			absent = append(absent, m)
		}
	}
	return out, absent, nil
}

// MergersIn is Mergers over the whole market's shares in q's range.
func MergersIn(ctx context.Context, e queries.Engine, q Question, members []string) ([]PeriodMerger, []string, error) {
	whole := q.f
	whole.Networks = nil
	rows, err := usageRows(ctx, e, Question{f: whole})
	if err != nil {
		return nil, nil, err
	}
	periods, err := shares(whole, rows, 0)
	if err != nil {
		return nil, nil, err
	}
	return Mergers(periods, members)
}
