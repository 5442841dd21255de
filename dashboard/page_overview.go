package dashboard

import (
	"fmt"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/charts"
)

// tile is one headline number on the Overview, linking to its page.
type tile struct {
	ID, Label, Value, Detail, URL string
	Badge, BadgeKind              string
	Change, ChangeClass           string
}

type overviewView struct {
	Tiles  []tile
	Trend  *card
	Routes []routeJSON
	Empty  bool
}

// buildOverview asks each page's headline question with the page
// defaults; a question that fails costs its tile, not the page.
func (d *Dashboard) buildOverview(p *pageCtx) error {
	v := overviewView{}
	link := func(path string) string { return path + query(p.carried()) }

	if res, q, err := p.ask("/share"); err != nil {
		p.fail(err)
	} else if sd := res.(shareData); len(sd.Periods) > 0 {
		g := imscope.Granularity(q[pGranularity])
		last := sd.Periods[len(sd.Periods)-1]
		if len(last.Shares) > 0 {
			lead := last.Shares[0]
			v.Tiles = append(v.Tiles, tile{ID: "leader", Label: p.T("tile.leader", periodLabel(timeOf(last.Period), g)), Value: fmtPct(lead.Share), Badge: p.view.Net(lead.Network),
				Change: fmtPoints(lead.DeltaPrev), ChangeClass: pointsClass(lead.DeltaPrev), Detail: p.T("tile.vs_prev"), URL: link("/share")})
		}
		v.Trend = p.card(charts.StackedShare(p.meta("overview-trend", "chart.share_trend", p.windowSubtitle(q)), p.periodLabels(sd.Periods, g), p.shareSeries(sd.Periods)), 12, p.dataLinks("/share", q, "shares"))
	} else {
		v.Empty = true
	}
	if res, _, err := p.ask("/concentration"); err != nil {
		p.fail(err)
	} else if cd := res.(concentrationData); len(cd.Periods) > 0 {
		c := cd.Periods[len(cd.Periods)-1]
		v.Tiles = append(v.Tiles,
			tile{ID: "hhi", Label: p.T("tile.hhi"), Value: fmtNum(c.HHI), Badge: p.T("band." + c.Band2010), BadgeKind: bandClass(c.Band2010), Detail: p.T("tile.hhi_detail", fmtPct(c.CR4)), URL: link("/share") + "#concentration-card"},
			tile{ID: "networks", Label: p.T("tile.networks"), Value: fmt.Sprint(c.Networks), Detail: p.T("tile.networks_detail", len(d.opts.Networks)), URL: link("/share")})
	}
	if res, _, err := p.ask("/reachability"); err != nil {
		p.fail(err)
	} else if rd := res.(reachabilityData); rd.Period != nil {
		for _, s := range rd.Scenarios {
			if s.Scenario == "active" {
				v.Tiles = append(v.Tiles, tile{ID: "dividend", Label: p.T("tile.dividend"), Value: fmtPoints(s.DividendPoints), ChangeClass: pointsClass(s.DividendPoints),
					Detail: p.T("tile.dividend_detail", fmtPct(s.Share), len(rd.Active)), URL: link("/reach")})
			}
		}
	}
	if res, _, err := p.ask("/multihoming"); err != nil {
		p.fail(err)
	} else if md := res.(multiHomingData); md.Period != nil {
		v.Tiles = append(v.Tiles, tile{ID: "multihoming", Label: p.T("tile.multihoming"), Value: fmtPct(md.MultiHomingShare), Detail: p.T("tile.multihoming_detail", fmt.Sprintf("%.2f", md.Mean)), URL: link("/reach")})
	}
	if res, _, err := p.ask("/bridges"); err != nil {
		p.fail(err)
	} else {
		bd := res.(bridgesData)
		t := tile{ID: "traffic", Label: p.T("tile.traffic"), Value: fmtCount(bd.Messages), URL: link("/bridges")}
		if bd.Messages == 0 {
			t.Detail = p.T("tile.traffic_none")
		} else {
			ratio := bd.report.FailureRatio()
			t.Detail = p.T("tile.traffic_detail", fmtRate(bd.report.Rate()))
			t.Badge, t.BadgeKind = p.T("tile.failures", fmtRatio(ratio)), healthClass(ratio)
		}
		v.Tiles = append(v.Tiles, t)
		v.Routes = bd.Routes[:min(5, len(bd.Routes))]
	}
	if res, _, err := p.ask("/alerts"); err != nil {
		p.fail(err)
	} else {
		ad := res.(alertsData)
		firing := 0
		for _, s := range ad.States {
			if s.Firing {
				firing++
			}
		}
		t := tile{ID: "alerts", Label: p.T("tile.alerts"), Value: fmt.Sprint(firing), Detail: p.T("tile.alerts_detail", len(ad.States)), URL: link("/alerts")}
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
	if res, _, err := p.ask("/collectors"); err != nil {
		p.fail(err)
	} else {
		cd := res.(collectorsData)
		bad := 0
		for _, c := range cd.Collectors {
			if c.Status == "error" {
				bad++
			}
		}
		t := tile{ID: "collectors", Label: p.T("tile.collectors"), Value: fmt.Sprintf("%d / %d", len(cd.Collectors)-bad, len(cd.Collectors)), Detail: p.T("tile.collectors_detail"), URL: link("/collectors")}
		if bad > 0 {
			t.Badge, t.BadgeKind = p.T("tile.collectors_failing", bad), "bad"
		}
		if cd.Spool != nil && cd.Spool.Segments > 0 {
			t.Detail = p.T("tile.spooled", cd.Spool.Segments)
		}
		v.Tiles = append(v.Tiles, t)
	}
	p.view.Content = v
	return nil
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

func timeOf(d day) time.Time { return time.Time(d) }
