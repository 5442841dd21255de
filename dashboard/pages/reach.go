package pages

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/charts"
)

// ReachView is the Multi-homing & reach page, with the scenario form.
type ReachView struct {
	Period                     string
	MH                         *api.MultiHomingData
	Reach                      *api.ReachabilityData
	PerUser, Networks, Overlap *card
	ReachBars                  *card
	Merge                      *api.Merger
	MergeNames                 string
	MergeOptions               []option
	// Source is the what-if's choice of shares (auto, measured, published);
	// MergeSource says which the answer used, MergeInterval the ΔHHI range
	// published bounds allow ("" when exact).
	Source                     []option
	MergeSource, MergeInterval string
	Bridges                    string
	BridgePresets              []navLink
	Hidden                     []field
	Empty                      bool
	// MergeOnly: no panel is stored, so the what-if asks only about
	// mergers, which shares answer alone.
	MergeOnly bool
}

func (s *Site) buildReach(p *pageCtx) error {
	periods := p.panelPeriodOptions()
	v := ReachView{Bridges: p.values.Get(api.ParamBridges), Hidden: p.scenarioHidden()}
	res, q, err := p.ask("/multihoming")
	if err != nil {
		p.panelFilters(p.given(), periods, false)
		v.Empty = true
		p.view.Content = v
		return err
	}
	p.panelFilters(q, periods, false)
	md := res.(api.MultiHomingData)
	if md.Period == nil {
		v.Empty = true
		p.mergeWithoutPanel(&v)
		p.view.Content = v
		return nil
	}
	v.MH = &md
	period := time.Time(*md.Period)
	v.Period = periodLabel(period, panelGranularity(periods, period))
	sub := p.T("reach.subtitle", v.Period, FormatNum(md.Users))
	links := p.dataLinks("/multihoming", q, "per_user", "networks", "pairs")
	v.PerUser = p.card(p.perUserBars(md, sub), 6, links)
	v.Networks = p.card(p.networkUsersBars(md, sub), 6, links)
	v.Overlap = p.card(p.overlapHeatmap(md, sub), 12, links)

	rres, rq, err := p.ask("/reachability", api.ParamPeriod, q[api.ParamPeriod], api.ParamBridges, v.Bridges)
	if err != nil {
		p.fail(err)
	} else {
		rd := rres.(api.ReachabilityData)
		v.Reach = &rd
		v.ReachBars = p.card(p.reachBars(rd, sub), 6, p.dataLinks("/reachability", rq, "scenarios"))
	}
	v.BridgePresets = p.bridgePresets(md)
	v.MergeOptions = p.mergeOptions(md)
	v.Source = p.sourceOptions()
	p.mergeResult(&v)
	p.view.Content = v
	return nil
}

// mergeWithoutPanel offers the what-if's merger when no panel is stored:
// shares — published ones, when that is all there is — answer "what if
// these networks merged" without one. Bridges need the panel, so the form
// asks only about mergers (MergeOnly).
func (p *pageCtx) mergeWithoutPanel(v *ReachView) {
	res, _, err := p.askSourced("/share")
	if err != nil {
		return // the empty state says what to load
	}
	sd := res.(api.ShareData)
	if len(sd.Periods) == 0 {
		return
	}
	chosen := map[string]bool{}
	for _, id := range strings.Split(p.values.Get(api.ParamMerge), ",") {
		chosen[id] = true
	}
	for _, sh := range sd.Periods[len(sd.Periods)-1].Shares {
		if sh.Network != analytics.OtherNetwork {
			v.MergeOptions = append(v.MergeOptions, option{Value: sh.Network, Label: p.view.Net(sh.Network), Color: p.netColor(sh.Network), Selected: chosen[sh.Network]})
		}
	}
	v.MergeOnly = len(v.MergeOptions) > 0
	v.Source = p.sourceOptions()
	p.mergeResult(v)
}

// mergeResult answers the what-if's merger, when one is asked for.
func (p *pageCtx) mergeResult(v *ReachView) {
	m := p.values.Get(api.ParamMerge)
	if m == "" {
		return
	}
	mres, _, err := p.askSourced("/scenario/merge", api.ParamMerge, m)
	if err != nil {
		p.fail(err)
		return
	}
	mdata := mres.(api.MergeData)
	if len(mdata.Periods) == 0 {
		return
	}
	last := mdata.Periods[len(mdata.Periods)-1]
	v.Merge = &last
	v.MergeSource = p.T("source." + mdata.Source)
	if mdata.Source == "published" {
		v.MergeSource += " · " + mdata.Publisher + " · " + mdata.Basis
	}
	if last.DeltaHHIMin != nil && last.DeltaHHIMax != nil && *last.DeltaHHIMax-*last.DeltaHHIMin > 1e-9 {
		v.MergeInterval = p.T("share.interval", oneDecimal(*last.DeltaHHIMin), oneDecimal(*last.DeltaHHIMax))
	}
	names := make([]string, len(mdata.Merge))
	for i, id := range mdata.Merge {
		names[i] = p.view.Net(id)
	}
	v.MergeNames = strings.Join(names, " + ")
}

// pBridge is the what-if form's checkboxes of networks to bridge, by name:
// they fold into `bridges` as every pair among the chosen ones.
const pBridge = "bridge"

// foldBridges turns bridge=qq&bridge=msn&bridge=fetion into the pairs
// fetion-msn,fetion-qq,msn-qq added to the `bridges` text; "complete"
// already holds them, and hub= cannot be combined with pairs, so those
// keep the text as typed.
func foldBridges(values url.Values) {
	vs, ok := values[pBridge]
	if !ok {
		return
	}
	values.Del(pBridge)
	var ids []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(ids, v) {
			ids = append(ids, v)
		}
	}
	slices.Sort(ids)
	text := strings.TrimSpace(values.Get(api.ParamBridges))
	if text == "complete" || strings.HasPrefix(text, "hub=") {
		return
	}
	var pairs []string
	if text != "" {
		pairs = append(pairs, text)
	}
	for i, a := range ids {
		for _, b := range ids[i+1:] {
			sep := "-"
			if strings.Contains(a, "-") || strings.Contains(b, "-") {
				sep = "~"
			}
			pairs = append(pairs, a+sep+b)
		}
	}
	if len(pairs) > 0 {
		values.Set(api.ParamBridges, strings.Join(pairs, ","))
	}
}

// scenarioHidden keeps the filter (period, segment) and view parameters
// through a scenario submit.
func (p *pageCtx) scenarioHidden() []field {
	var out []field
	for _, k := range []string{api.ParamPeriod, api.ParamSegment, api.ParamFrom, api.ParamTo, api.ParamGranularity, api.ParamMetric, api.ParamPublisher, api.ParamBasis} {
		if v := p.values.Get(k); v != "" {
			out = append(out, field{Name: k, Type: "hidden", Value: v})
		}
	}
	return append(out, p.hiddenViewFields()...)
}

func (p *pageCtx) mergeOptions(md api.MultiHomingData) []option {
	chosen := map[string]bool{}
	for _, id := range strings.Split(p.values.Get(api.ParamMerge), ",") {
		chosen[id] = true
	}
	var out []option
	for _, n := range md.Networks {
		out = append(out, option{Value: n.Network, Label: p.view.Net(n.Network), Color: p.netColor(n.Network), Selected: chosen[n.Network]})
	}
	return out
}

// bridgePresets are the questions people ask first: what if the leader
// bridged to everyone, what if every network were bridged.
func (p *pageCtx) bridgePresets(md api.MultiHomingData) []navLink {
	var out []navLink
	if len(md.Networks) > 0 {
		leader := md.Networks[0]
		for _, n := range md.Networks {
			if n.Users > leader.Users {
				leader = n
			}
		}
		out = append(out, navLink{Label: p.T("reach.preset_hub", p.view.Net(leader.Network)), URL: p.with(api.ParamBridges, "hub="+leader.Network), Current: p.values.Get(api.ParamBridges) == "hub="+leader.Network})
	}
	out = append(out, navLink{Label: p.T("reach.preset_complete"), URL: p.with(api.ParamBridges, "complete"), Current: p.values.Get(api.ParamBridges) == "complete"})
	if p.values.Get(api.ParamBridges) != "" {
		out = append(out, navLink{Label: p.T("reach.preset_clear"), URL: p.with(api.ParamBridges, "")})
	}
	return out
}

func (p *pageCtx) perUserBars(md api.MultiHomingData, sub string) charts.Chart {
	var sl []charts.Slice
	for _, k := range md.PerUser {
		sl = append(sl, charts.Slice{Name: p.T("reach.k_networks", k.Networks), Value: k.Share, Color: "#0072b2"})
	}
	return charts.ColoredBars(p.meta("per-user", "chart.per_user", sub), sl, charts.Percent, false)
}

// networkUsersBars splits each network's users into those on it alone
// and those who keep another network too.
func (p *pageCtx) networkUsersBars(md api.MultiHomingData, sub string) charts.Chart {
	names := make([]string, len(md.Networks))
	only := charts.Series{Name: p.T("reach.only"), Stack: "users", Color: "#0072b2"}
	also := charts.Series{Name: p.T("reach.also"), Stack: "users", Color: "#56b4e9"}
	for i, n := range md.Networks {
		names[i] = p.view.Net(n.Network)
		only.Values = append(only.Values, new(float64(n.Only)))
		also.Values = append(also.Values, new(float64(n.Users-n.Only)))
	}
	return charts.Bars(p.meta("network-users", "chart.network_users", sub), names, []charts.Series{only, also}, charts.Count, true)
}

// overlapHeatmap is P(column | row): of the row network's users, the
// share also on the column network.
func (p *pageCtx) overlapHeatmap(md api.MultiHomingData, sub string) charts.Chart {
	idx := map[string]int{}
	names := make([]string, len(md.Networks))
	for i, n := range md.Networks {
		idx[n.Network] = i
		names[i] = p.view.Net(n.Network)
	}
	var cells []charts.Cell
	for i := range md.Networks {
		cells = append(cells, charts.Cell{X: i, Y: i, Value: new(1.0)})
	}
	for _, o := range md.Pairs {
		a, b := idx[o.A], idx[o.B]
		both := p.T("reach.both", FormatNum(o.Both), FormatRatio(o.Jaccard))
		cells = append(cells, charts.Cell{X: b, Y: a, Value: new(o.BGivenA), Note: both}, charts.Cell{X: a, Y: b, Value: new(o.AGivenB), Note: both})
	}
	return charts.Heatmap(p.meta("overlap", "chart.overlap", sub), names, names, cells, 0, 1, charts.Ratio)
}

func (p *pageCtx) reachBars(rd api.ReachabilityData, sub string) charts.Chart {
	var sl []charts.Slice
	colors := map[string]string{"none": "#999999", "active": "#0072b2", "hypothetical": "#e69f00"}
	for _, s := range rd.Scenarios {
		sl = append(sl, charts.Slice{Name: p.T("reach.scenario_" + s.Scenario), Value: s.Share, Color: colors[s.Scenario]})
	}
	return charts.ColoredBars(p.meta("reachability", "chart.reachability", sub), sl, charts.Percent, false)
}
