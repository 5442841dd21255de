package api

import (
	"context"
	"fmt"
	"strings"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/respond"
)

const ParamMerge = "merge"

// Merger is one period's merger arithmetic; the numbers are null in a
// period where some member has no share (Missing says which).
type Merger struct {
	Period       Day      `json:"period"`
	Members      []string `json:"members"` // by rank in the period
	Missing      []string `json:"missing"`
	Share        *float64 `json:"share"`
	HHIBefore    *float64 `json:"hhi_before"`
	HHIAfter     *float64 `json:"hhi_after"`
	DeltaHHI     *float64 `json:"delta_hhi"`
	Band2010     string   `json:"band_2010"`
	Band2023     string   `json:"band_2023"`
	Presumed2010 *bool    `json:"presumed_2010"`
	Presumed2023 *bool    `json:"presumed_2023"`
	// The intervals published bounds allow (min = max for measured shares).
	ShareMin     *float64 `json:"share_min"`
	ShareMax     *float64 `json:"share_max"`
	HHIBeforeMin *float64 `json:"hhi_before_min"`
	HHIBeforeMax *float64 `json:"hhi_before_max"`
	DeltaHHIMin  *float64 `json:"delta_hhi_min"`
	DeltaHHIMax  *float64 `json:"delta_hhi_max"`
}

// MergeData answers /scenario/merge.
type MergeData struct {
	SourceUsed
	Merge   []string `json:"merge"`
	Periods []Merger `json:"periods"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d MergeData) Rows(string) [][]any {
	out := make([][]any, len(d.Periods))
	for i, p := range d.Periods {
		out[i] = []any{p.Period, p.Members, p.Missing, p.Share, p.HHIBefore, p.HHIAfter, p.DeltaHHI, p.Band2010, p.Band2023, p.Presumed2010, p.Presumed2023,
			p.ShareMin, p.ShareMax, p.HHIBeforeMin, p.HHIBeforeMax, p.DeltaHHIMin, p.DeltaHHIMax, d.Source, d.Publisher, d.Basis}
	}
	return out
}

var mergeEndpoint = &Endpoint{
	Path:    "/scenario/merge",
	Summary: "HHI before and after a set of networks merges (or interconnects so fully that it acts as one)",
	Description: "ΔHHI = (Σ s_i)² − Σ s_i² (2ab for two networks), per period, with the bands after the merger and whether the 2010 and 2023 " +
		"guidelines presume it harmful. Of the whole market: `networks` is ignored. " +
		"From published figures (source=published) the figures have the bounds at their lower ends, with `*_min`…`*_max` the intervals every share vector the bounds allow spans.",
	Uses: []string{ParamFrom, ParamTo, ParamGranularity, ParamMetric, ParamSegment},
	Params: append([]paramDoc{
		{Name: ParamMerge, Type: "string", Required: true, Doc: "the merging networks, comma-separated (at least two), e.g. fetion,msn"},
	}, sourceParams...),
	Tables: []Table{{Name: "periods", Doc: "one row per period", Columns: []Column{
		{"period", "date", "start of the period"},
		{"members", "string", "the members with a share, by rank, ;-separated"},
		{"missing", "string", "members without a share in the period, ;-separated (numbers are then empty)"},
		{"share", "number", "the merged network's share, percent"},
		{"hhi_before", "number", "HHI before"},
		{"hhi_after", "number", "HHI after"},
		{"delta_hhi", "number", "the increase"},
		{"band_2010", "string", "2010 band after the merger"},
		{"band_2023", "string", "2023 band after the merger"},
		{"presumed_2010", "boolean", "HHI after > 2,500 and ΔHHI > 200"},
		{"presumed_2023", "boolean", "ΔHHI > 100 and (HHI after > 1,800 or merged share > 30%)"},
		{"share_min", "number", "merged share, interval low end"},
		{"share_max", "number", "merged share, interval high end"},
		{"hhi_before_min", "number", "HHI before, interval low end"},
		{"hhi_before_max", "number", "HHI before, interval high end"},
		{"delta_hhi_min", "number", "ΔHHI, interval low end"},
		{"delta_hhi_max", "number", "ΔHHI, interval high end"},
		{"source", "string", "measured or published"},
		{"publisher", "string", "the published series' publisher; empty when measured"},
		{"basis", "string", "the published series' basis; empty when measured"},
	}}},
	Data: MergeData{},
}

type mergeParams struct {
	f       analytics.Question
	members []string
	source  analytics.SourceChoice
}

func (a *API) registerMerge() {
	register(a, mergeEndpoint,
		func(ctx context.Context, q *request, sh shared) (mergeParams, error) {
			s := q.raw(ParamMerge)
			if s == "" {
				return mergeParams{}, invalid(ParamMerge, "required: the networks that merge, e.g. merge=fetion,msn")
			}
			members, err := parseList(ParamMerge, s)
			if err != nil {
				return mergeParams{}, err
			}
			if len(members) < 2 {
				return mergeParams{}, invalid(ParamMerge, "a merger needs at least two networks")
			}
			q.set(ParamMerge, strings.Join(members, ","))
			source, err := q.parseSource()
			if err != nil {
				return mergeParams{}, err
			}
			f, err := a.usageFilter(ctx, q, sh, false)
			return mergeParams{f: f, members: members, source: source}, err
		},
		func(ctx context.Context, p mergeParams) (Result, error) {
			mergers, absent, used, err := analytics.MergersFrom(ctx, a.engine, p.f, p.members, p.source)
			if err != nil {
				return nil, renameParam(err, ParamNetworks, ParamMerge)
			}
			if len(absent) > 0 {
				return nil, invalid(ParamMerge, fmt.Sprintf("%s has no share in any period of the range", respond.Quote(absent[0])))
			}
			d := MergeData{SourceUsed: sourceUsed(used), Merge: p.members, Periods: make([]Merger, len(mergers))}
			for i, pm := range mergers {
				out := Merger{Period: Day(pm.Period), Members: nonNil(pm.Present), Missing: nonNil(pm.Missing)}
				if m := pm.Merger; m != nil {
					out.Members = m.Members
					out.Share, out.HHIBefore, out.HHIAfter, out.DeltaHHI = &m.Share, &m.HHIBefore, &m.HHIAfter, &m.DeltaHHI
					out.Band2010, out.Band2023 = string(m.Band2010), string(m.Band2023)
					out.Presumed2010, out.Presumed2023 = &m.Presumed2010, &m.Presumed2023
					out.ShareMin, out.ShareMax = &m.ShareRange.Min, &m.ShareRange.Max
					out.HHIBeforeMin, out.HHIBeforeMax = &m.HHIBeforeRange.Min, &m.HHIBeforeRange.Max
					out.DeltaHHIMin, out.DeltaHHIMax = &m.DeltaHHIRange.Min, &m.DeltaHHIRange.Max
				}
				d.Periods[i] = out
			}
			return d, nil
		})
}
