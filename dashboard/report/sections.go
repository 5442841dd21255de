package report

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/pages"
	"github.com/imscope/imscope/dashboard/respond"
)

// sectionPages maps each report section to the page that draws it.
var sectionPages = map[Section]string{
	SectionShare: "share", SectionConcentration: "share", SectionMigration: "migration",
	SectionMultihoming: "reach", SectionBridges: "bridges", SectionAlerts: "alerts", SectionCollectors: "collectors",
}

// sectionParams puts a section on the report's period. Usage rollups are
// days in UTC, so a period's calendar dates in the report's zone name the
// UTC days it covers (Shanghai's March is the UTC days 1–31 March); the
// share trend shows the eleven periods before it too. Traffic and alerts
// are instants, so they take the period's exact start and end. The panel
// sections take the latest panel period (and the one before) that starts
// before the period ends; without the panel's periods (the question
// failed) they take none, and the section's page says why.
func (r *PageRenderer) sectionParams(ctx context.Context, s Section, def Definition, p Periods) map[string]string {
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	switch s {
	case SectionShare, SectionConcentration:
		from := api.PeriodsBack(def.Granularity, p.Current.From, 11)
		return map[string]string{api.ParamFrom: date(from), api.ParamTo: date(p.Current.To), api.ParamGranularity: string(def.Granularity),
			api.ParamSource: def.Source, api.ParamPublisher: def.Publisher, api.ParamBasis: def.Basis}
	case SectionBridges, SectionAlerts:
		return map[string]string{api.ParamFrom: p.Current.From.UTC().Format(time.RFC3339), api.ParamTo: p.Current.To.UTC().Format(time.RFC3339), pages.ParamRefresh: "off"}
	case SectionMigration, SectionMultihoming:
		var starts []string
		end := date(p.Current.To)
		for _, pp := range r.panelPeriods(ctx) {
			if d := pp.Period.String(); d < end {
				starts = append(starts, d)
			}
		}
		if len(starts) == 0 {
			return nil
		}
		if s == SectionMultihoming {
			return map[string]string{api.ParamPeriod: starts[len(starts)-1]}
		}
		if len(starts) < 2 {
			return nil
		}
		return map[string]string{api.ParamFromPeriod: starts[len(starts)-2], api.ParamToPeriod: starts[len(starts)-1]}
	}
	return nil
}

// panelPeriods are the panel's periods, as the API answers them.
func (r *PageRenderer) panelPeriods(ctx context.Context) []api.PanelPeriod {
	res, _, err := r.api.Ask(ctx, "/panel/periods", url.Values{})
	if err != nil {
		return nil
	}
	return res.(api.PanelPeriodsData).Periods
}

// exports are the CSV tables a report's sections show (pages.Exports):
// the ZIP holds each, named by its section, endpoint and table.
type exports struct {
	list    []export
	section string // the section being drawn
}

// export is one CSV table of the report's ZIP: the API question behind a
// chart or table, as normalised.
type export struct {
	File     string
	Section  string
	Endpoint string
	Query    map[string]string
	Table    string
}

// Export records a chart's tables for the ZIP and returns the names of
// their files.
func (ex *exports) Export(path string, q map[string]string, tables []string) []string {
	var out []string
	for _, t := range tables {
		name := strings.ReplaceAll(strings.Trim(path, "/"), "/", "-")
		e := export{Endpoint: respond.APIPrefix + path, Query: q, Table: t, Section: ex.section, File: ex.section + "-" + name + "-" + t + ".csv"}
		i := slices.IndexFunc(ex.list, func(x export) bool { return x.File == e.File })
		if i < 0 {
			ex.list = append(ex.list, e)
		} else if !maps.Equal(ex.list[i].Query, q) {
			e.File = fmt.Sprintf("%s-%s-%s-%d.csv", ex.section, name, t, len(ex.list))
			ex.list = append(ex.list, e)
		}
		out = append(out, e.File)
	}
	return out
}
