package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/pages"
)

// reportFacts are the numbers a report's written summary states, taken
// from the same answers its sections draw (so a sentence and a chart never
// disagree). They travel with the report: as JSON in its HTML and as the
// webhook's data.facts.
type reportFacts struct {
	Period   string `json:"period"`
	Previous string `json:"previous"`

	// Share: the leader of the latest period with data in the window.
	SharePeriod  string   `json:"share_period,omitempty"`
	Metric       string   `json:"metric,omitempty"`
	Leader       string   `json:"leader,omitempty"`
	LeaderShare  *float64 `json:"leader_share,omitempty"`
	LeaderDelta  *float64 `json:"leader_delta_prev,omitempty"` // points against the previous period
	Runner       string   `json:"runner_up,omitempty"`
	RunnerShare  *float64 `json:"runner_up_share,omitempty"`
	UsageThrough string   `json:"usage_through,omitempty"`
	HHI          *float64 `json:"hhi,omitempty"`
	Band2010     string   `json:"band_2010,omitempty"`
	Band2023     string   `json:"band_2023,omitempty"`
	CR4          *float64 `json:"cr4,omitempty"`

	// Source is measured or published; Publisher and Basis name the
	// published series, and HHIMin/HHIMax the HHI range its bounds allow.
	Source         string     `json:"source,omitempty"`
	Publisher      string     `json:"publisher,omitempty"`
	Basis          string     `json:"basis,omitempty"`
	HHIMin         *float64   `json:"hhi_min,omitempty"`
	HHIMax         *float64   `json:"hhi_max,omitempty"`
	SwitchFrom     string     `json:"switching_from_period,omitempty"`
	SwitchTo       string     `json:"switching_to_period,omitempty"`
	TopGainer      string     `json:"top_gainer,omitempty"`
	TopGainFrom    string     `json:"top_gain_from,omitempty"`
	TopGain        *int64     `json:"top_gain_users,omitempty"`
	PanelPeriod    string     `json:"panel_period,omitempty"`
	MultiHoming    *float64   `json:"multi_homing_share,omitempty"`
	Dividend       *float64   `json:"interconnection_dividend,omitempty"` // points of reachable pairs
	BridgeMessages *uint64    `json:"bridge_messages,omitempty"`
	TopRoute       *topRoute  `json:"top_route,omitempty"`
	AlertEvents    *int       `json:"alert_events,omitempty"`
	AlertsFiring   *int       `json:"alerts_firing,omitempty"`
	Collectors     *int       `json:"collectors,omitempty"`
	CollectorsOK   *int       `json:"collectors_ok,omitempty"`
	LatestRun      *time.Time `json:"latest_collector_run,omitempty"`
}

// topRoute is the busiest pair of networks, both directions and every
// bridge between them together. From and To name the pair in the order of
// their ids (the traffic counted is both ways), as the API's routes name
// networks from_network and to_network.
type topRoute struct {
	From         string   `json:"from"`
	To           string   `json:"to"`
	Bridges      []string `json:"bridges"`
	Messages     uint64   `json:"messages"`
	FailureRatio float64  `json:"failure_ratio"`
}

// collect takes a section's figures from its page content.
func (f *reportFacts) collect(s Section, content any) {
	switch v := content.(type) {
	case pages.ShareView:
		f.collectShare(s, v)
	case pages.MigrationView:
		if v.Pair != nil {
			f.SwitchFrom, f.SwitchTo = v.FromLabel, v.ToLabel
			if len(v.Flows) > 0 {
				f.TopGainer, f.TopGainFrom, f.TopGain = v.Flows[0].A, v.Flows[0].B, new(v.Flows[0].Users)
			}
		}
	case pages.ReachView:
		f.collectReach(v)
	case pages.BridgesView:
		if v.Data != nil {
			f.BridgeMessages = new(v.Data.Messages)
			f.TopRoute = busiestPair(v.Data.Report())
		}
	case pages.AlertsView:
		f.AlertEvents, f.AlertsFiring = new(len(v.Data.Events)), new(len(v.Data.Firing()))
	case pages.CollectorsView:
		f.collectCollectors(v)
	}
}

// collectShare: the leader and the runner-up of the latest period (the
// share section), or its concentration (the concentration section; both
// are drawn by the Market share page).
func (f *reportFacts) collectShare(s Section, v pages.ShareView) {
	if v.Source.Source != "" {
		f.Source, f.Publisher, f.Basis = v.Source.Source, v.Source.Publisher, v.Source.Basis
	}
	if s == SectionShare && v.Latest != nil && len(v.Latest.Shares) > 0 {
		f.SharePeriod, f.Metric = v.LatestLabel, v.Metric
		f.UsageThrough = v.Latest.Period.String()
		lead := v.Latest.Shares[0]
		f.Leader, f.LeaderShare, f.LeaderDelta = lead.Network, new(lead.Share), lead.DeltaPrev
		if len(v.Latest.Shares) > 1 && v.Latest.Shares[1].Rank > 0 {
			f.Runner, f.RunnerShare = v.Latest.Shares[1].Network, new(v.Latest.Shares[1].Share)
		}
	}
	if s == SectionConcentration && v.LatestConc != nil {
		c := v.LatestConc
		f.HHI, f.Band2010, f.Band2023, f.CR4 = new(c.HHI), c.Band2010, c.Band2023, new(c.CR4)
		if c.HHIMax-c.HHIMin > 1e-9 {
			f.HHIMin, f.HHIMax = new(c.HHIMin), new(c.HHIMax)
		}
	}
}

// collectReach: multi-homing and the active bridges' dividend.
func (f *reportFacts) collectReach(v pages.ReachView) {
	if v.MH != nil {
		f.PanelPeriod, f.MultiHoming = v.Period, new(v.MH.MultiHomingShare)
	}
	if v.Reach != nil {
		for _, sc := range v.Reach.Scenarios {
			if sc.Scenario == "active" {
				f.Dividend = sc.DividendPoints
			}
		}
	}
}

// collectCollectors: the collectors whose latest run did not fail, and the
// latest run.
func (f *reportFacts) collectCollectors(v pages.CollectorsView) {
	ok := 0
	for _, c := range v.Data.Collectors {
		if c.Status == "ok" || c.Status == "partial" {
			ok++
		}
		if c.StartedAt != nil && (f.LatestRun == nil || c.StartedAt.After(*f.LatestRun)) {
			f.LatestRun = c.StartedAt
		}
	}
	f.Collectors, f.CollectorsOK = new(len(v.Data.Collectors)), new(ok)
}

// busiestPair is the report's busiest link between two networks; nil
// without traffic.
func busiestPair(r analytics.BridgeReport) *topRoute {
	l := r.BusiestLink()
	if l == nil {
		return nil
	}
	return &topRoute{From: l.A, To: l.B, Bridges: l.Bridges, Messages: l.Messages, FailureRatio: l.FailureRatio()}
}

// summary writes the facts as sentences in lang, one per section that had
// something to say.
func (f *reportFacts) summary(lang string, net func(string) string) []string {
	t := func(key string, args ...any) string { return pages.Translate(lang, key, args...) }
	var out []string
	if f.LeaderShare != nil {
		s := t("summary.leader", net(f.Leader), pages.FormatPct(*f.LeaderShare), f.SharePeriod, strings.ToLower(f.Metric))
		if d := f.LeaderDelta; d != nil {
			switch pages.PointsClass(*d) {
			case "up":
				s = t("summary.leader_up", net(f.Leader), fmtAbsPoints(*d), pages.FormatPct(*f.LeaderShare), f.SharePeriod)
			case "down":
				s = t("summary.leader_down", net(f.Leader), fmtAbsPoints(*d), pages.FormatPct(*f.LeaderShare), f.SharePeriod)
			}
		}
		if f.RunnerShare != nil {
			s += " " + t("summary.runner", net(f.Runner), pages.FormatPct(*f.RunnerShare))
		}
		out = append(out, s)
	}
	if f.Source == "published" && (f.LeaderShare != nil || f.HHI != nil) {
		out = append(out, t("summary.source_published", f.Publisher, f.Basis))
	}
	if f.HHI != nil {
		out = append(out, t("summary.hhi", pages.FormatNum(*f.HHI), t("band."+f.Band2010), t("band."+f.Band2023), pages.FormatPct(*f.CR4)))
		if f.HHIMin != nil && f.HHIMax != nil {
			out = append(out, t("summary.hhi_interval", fmt.Sprintf("%.1f", *f.HHIMin), fmt.Sprintf("%.1f", *f.HHIMax)))
		}
	}
	if f.TopGain != nil {
		out = append(out, t("summary.switching", f.SwitchFrom, f.SwitchTo, net(f.TopGainer), pages.FormatNum(*f.TopGain), net(f.TopGainFrom)))
	}
	if f.MultiHoming != nil {
		s := t("summary.multihoming", pages.FormatPct(*f.MultiHoming), f.PanelPeriod)
		if f.Dividend != nil {
			s += " " + t("summary.dividend", fmtAbsPoints(*f.Dividend))
		}
		out = append(out, s)
	}
	switch {
	case f.TopRoute != nil:
		out = append(out, t("summary.bridge", net(f.TopRoute.From), net(f.TopRoute.To), pages.FormatCount(f.TopRoute.Messages), pages.FormatRatio(f.TopRoute.FailureRatio), pages.FormatCount(*f.BridgeMessages)))
	case f.BridgeMessages != nil:
		out = append(out, t("summary.no_bridges"))
	}
	if f.AlertEvents != nil {
		out = append(out, t("summary.alerts", *f.AlertEvents, *f.AlertsFiring))
	}
	if f.Collectors != nil {
		out = append(out, t("summary.collectors", *f.CollectorsOK, *f.Collectors))
	}
	if len(out) == 0 {
		out = append(out, t("summary.nothing"))
	}
	return out
}

// fmtAbsPoints is a change in points without its sign (the sentence says
// which way).
func fmtAbsPoints(v float64) string {
	if v < 0 {
		v = -v
	}
	return fmt.Sprintf("%.1f", v)
}

// freshness says how recent the data behind the report is.
func (f *reportFacts) freshness(lang string, zone *time.Location) []string {
	var out []string
	if f.UsageThrough != "" {
		out = append(out, pages.Translate(lang, "report.fresh_usage", f.SharePeriod))
	}
	if f.PanelPeriod != "" {
		out = append(out, pages.Translate(lang, "report.fresh_panel", f.PanelPeriod))
	}
	if f.LatestRun != nil {
		out = append(out, pages.Translate(lang, "report.fresh_run", f.LatestRun.In(zone).Format("2006-01-02 15:04 MST")))
	}
	return out
}
