package pages

import (
	"fmt"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/charts"
)

// tile is one headline number on the Overview, linking to its page.
// Period says what time its number is of: the tiles mix measured usage,
// the panel's periods and live bridge traffic, which may be years apart
// (the demo's usage ends in 2012; its bridges are live).
type tile struct {
	ID, Label, Value, Detail, URL string
	Period                        string
	Badge, BadgeKind              string
	Change, ChangeClass           string
}

type overviewView struct {
	Tiles  []tile
	Trend  *card
	Routes []api.Route
	Empty  bool
}

// buildOverview asks each page's headline question with the page
// defaults; a question that fails costs its tile, not the page.
func (s *Site) buildOverview(p *pageCtx) error {
	v := overviewView{}
	for _, q := range overviewQuestions {
		res, asked, err := p.askSourced(q.path) // published figures of several bases: the first, as on the Market share page
		if err != nil {
			p.fail(err)
			continue
		}
		q.tiles(p, &v, res, asked)
	}
	p.view.Content = v
	return nil
}

// overviewQuestions are the Overview's questions, in the order of their
// tiles: each adds what its answer says to the view.
var overviewQuestions = []struct {
	path  string
	tiles func(p *pageCtx, v *overviewView, res api.Result, q map[string]string)
}{
	{"/share", shareTiles},
	{"/concentration", concentrationTiles},
	{"/reachability", dividendTile},
	{"/multihoming", multihomingTile},
	{"/bridges", trafficTile},
	{"/alerts", alertsTile},
	{"/collectors", collectorsTile},
}

// carriedLink is a link to another page carrying this page's filter.
func (p *pageCtx) carriedLink(path string) string { return path + query(p.carried()) }

// shareTiles: the leader of the latest period and the share trend; an
// empty Overview without usage data.
func shareTiles(p *pageCtx, v *overviewView, res api.Result, q map[string]string) {
	sd := res.(api.ShareData)
	if len(sd.Periods) == 0 {
		v.Empty = true
		return
	}
	g := imscope.Granularity(q[api.ParamGranularity])
	last := sd.Periods[len(sd.Periods)-1]
	if len(last.Shares) > 0 {
		lead := last.Shares[0]
		v.Tiles = append(v.Tiles, tile{ID: "leader", Label: p.T("tile.leader", periodLabel(timeOf(last.Period), g)), Value: FormatPct(lead.Share), Badge: p.view.Net(lead.Network),
			Change: p.view.PP(lead.DeltaPrev), ChangeClass: PointsClass(lead.DeltaPrev), Detail: p.T("tile.vs_prev"), URL: p.carriedLink("/share"),
			Period: p.T("tile.period_usage", periodLabel(timeOf(last.Period), g))})
	}
	v.Trend = p.card(charts.StackedShare(p.meta("overview-trend", "chart.share_trend", p.windowSubtitle(q)), p.periodLabels(sd.Periods, g), p.shareSeries(sd.Periods)), 12, p.dataLinks("/share", q, "shares"))
}

// concentrationTiles: HHI with its band, and the networks with a share.
func concentrationTiles(p *pageCtx, v *overviewView, res api.Result, q map[string]string) {
	cd := res.(api.ConcentrationData)
	if len(cd.Periods) == 0 {
		return
	}
	c := cd.Periods[len(cd.Periods)-1]
	period := p.T("tile.period_usage", periodLabel(timeOf(c.Period), imscope.Granularity(q[api.ParamGranularity])))
	v.Tiles = append(v.Tiles,
		tile{ID: "hhi", Label: p.T("tile.hhi"), Value: FormatNum(c.HHI), Badge: p.T("band." + c.Band2010), BadgeKind: bandClass(c.Band2010), Detail: p.T("tile.hhi_detail", FormatPct(c.CR4)), URL: p.carriedLink("/share") + "#concentration-card", Period: period},
		tile{ID: "networks", Label: p.T("tile.networks"), Value: fmt.Sprint(c.Networks), Detail: p.T("tile.networks_detail", len(p.site.cfg.Networks)), URL: p.carriedLink("/share"), Period: period})
}

// dividendTile: the interconnection dividend of the active bridges.
func dividendTile(p *pageCtx, v *overviewView, res api.Result, _ map[string]string) {
	rd := res.(api.ReachabilityData)
	if rd.Period == nil {
		return
	}
	for _, s := range rd.Scenarios {
		if s.Scenario == "active" {
			v.Tiles = append(v.Tiles, tile{ID: "dividend", Label: p.T("tile.dividend"), Value: p.view.PP(s.DividendPoints), ChangeClass: PointsClass(s.DividendPoints),
				Detail: p.T("tile.dividend_detail", FormatPct(s.Share), len(rd.Active)), URL: p.carriedLink("/reach"), Period: p.panelPeriod(*rd.Period)})
		}
	}
}

// multihomingTile: the share of users on more than one network.
func multihomingTile(p *pageCtx, v *overviewView, res api.Result, _ map[string]string) {
	if md := res.(api.MultiHomingData); md.Period != nil {
		v.Tiles = append(v.Tiles, tile{ID: "multihoming", Label: p.T("tile.multihoming"), Value: FormatPct(md.MultiHomingShare), Detail: p.T("tile.multihoming_detail", fmt.Sprintf("%.2f", md.Mean)), URL: p.carriedLink("/reach"),
			Period: p.panelPeriod(*md.Period)})
	}
}

// trafficTile: bridge messages and failures, and the busiest routes.
func trafficTile(p *pageCtx, v *overviewView, res api.Result, _ map[string]string) {
	bd := res.(api.BridgesData)
	t := tile{ID: "traffic", Label: p.T("tile.traffic"), Value: FormatCount(bd.Messages), URL: p.carriedLink("/bridges"), Period: p.T("tile.period_live")}
	if bd.Messages == 0 {
		t.Detail = p.T("tile.traffic_none")
	} else {
		ratio := bd.Report().FailureRatio()
		t.Detail = p.T("tile.traffic_detail", fmtRate(bd.Report().Rate()))
		t.Badge, t.BadgeKind = p.T("tile.failures", FormatRatio(ratio)), healthClass(ratio)
	}
	v.Tiles = append(v.Tiles, t)
	v.Routes = bd.Routes[:min(5, len(bd.Routes))]
}

// alertsTile: the rules firing now.
func alertsTile(p *pageCtx, v *overviewView, res api.Result, _ map[string]string) {
	ad := res.(api.AlertsData)
	firing := len(ad.Firing())
	t := tile{ID: "alerts", Label: p.T("tile.alerts"), Value: fmt.Sprint(firing), Detail: p.T("tile.alerts_detail", len(ad.States)), URL: p.carriedLink("/alerts"), Period: p.T("tile.period_now")}
	switch {
	case len(ad.States) == 0:
		t.Detail = p.T("tile.alerts_none")
	case firing > 0:
		t.Badge, t.BadgeKind = p.T("alert.firing"), "bad"
	default:
		t.Badge, t.BadgeKind = p.T("alert.ok"), "good"
	}
	v.Tiles = append(v.Tiles, t)
}

// collectorsTile: the collectors whose latest run did not fail, and the
// spool.
func collectorsTile(p *pageCtx, v *overviewView, res api.Result, _ map[string]string) {
	cd := res.(api.CollectorsData)
	bad := 0
	for _, c := range cd.Collectors {
		if c.Status == "error" {
			bad++
		}
	}
	t := tile{ID: "collectors", Label: p.T("tile.collectors"), Value: fmt.Sprintf("%d / %d", len(cd.Collectors)-bad, len(cd.Collectors)), Detail: p.T("tile.collectors_detail"), URL: p.carriedLink("/collectors"), Period: p.T("tile.period_now")}
	if bad > 0 {
		t.Badge, t.BadgeKind = p.T("tile.collectors_failing", bad), "bad"
	}
	if cd.Spool != nil && cd.Spool.Segments > 0 {
		t.Detail = p.T("tile.spooled", cd.Spool.Segments)
	}
	v.Tiles = append(v.Tiles, t)
}

// healthClass colours a failure ratio: under 1% good, under 5% warn.
func healthClass(ratio *float64) string {
	switch {
	case ratio == nil:
		return ""
	case *ratio < 0.01:
		return "good"
	case *ratio < 0.05:
		return "warn"
	}
	return "bad"
}

// bandClass colours a concentration band.
func bandClass(b string) string {
	switch b {
	case "unconcentrated", "not highly concentrated":
		return "good"
	case "moderately concentrated":
		return "warn"
	}
	return "bad"
}

func timeOf(d api.Day) time.Time { return time.Time(d) }

// panelPeriod names the panel period a tile's number is of, as the Reach
// page labels it.
func (p *pageCtx) panelPeriod(d api.Day) string {
	t := time.Time(d)
	return p.T("tile.period_panel", periodLabel(t, panelGranularity(p.panelPeriodOptions(), t)))
}
