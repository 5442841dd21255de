package pages

import (
	"slices"
	"strings"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/api"
)

// The long tail: the API folds the networks outside the top N (or outside
// the filter's selection) into one "other" entry whose share is theirs
// summed, and lists them (api.Share.Folded); shares, HHI and CR-k keep
// every network. The pages name that entry by how many networks it holds
// — "Other (k networks)" — and say which in its tooltip and under it in
// the table, so a reader sees what the fold hides.

// maxFoldNames bounds the names a fold's note lists: thirty tools with a
// hundred thousand users each would not fit a tooltip.
const maxFoldNames = 10

// OtherLabel is the "other" entry's name when it holds k networks.
func (v *view) OtherLabel(k int) string {
	switch {
	case k <= 0:
		return v.T("other")
	case k == 1:
		return v.T("other.one")
	}
	return v.T("other.n", k)
}

// FoldNote lists the networks folded into "other" by their display names
// (in the catalog's order of the given ids, which the API sorts), the
// first maxFoldNames and how many more.
func (v *view) FoldNote(folded []string) string {
	if len(folded) == 0 {
		return ""
	}
	names := make([]string, 0, min(len(folded), maxFoldNames))
	for _, id := range folded[:min(len(folded), maxFoldNames)] {
		names = append(names, v.Net(id))
	}
	note := strings.Join(names, v.T("list.sep"))
	if more := len(folded) - len(names); more > 0 {
		note += v.T("list.more", more)
	}
	return v.T("other.folded", note)
}

// shareName is a share entry's name on a chart: the network's, or the
// fold's with its count.
func (p *pageCtx) shareName(s api.Share) string {
	if s.Network == analytics.OtherNetwork && len(s.Folded) > 0 {
		return p.view.OtherLabel(len(s.Folded))
	}
	return p.view.Net(s.Network)
}

// otherSeries names the "other" series of a chart over periods by the
// networks folded in any of them, and notes per period which they were.
func (p *pageCtx) otherSeries(ps []api.PeriodShares) (name string, notes []string) {
	var all []string
	notes = make([]string, len(ps))
	for i, period := range ps {
		for _, s := range period.Shares {
			if s.Network == analytics.OtherNetwork {
				notes[i] = p.view.FoldNote(s.Folded)
				all = append(all, s.Folded...)
			}
		}
	}
	slices.Sort(all)
	return p.view.OtherLabel(len(slices.Compact(all))), notes
}
