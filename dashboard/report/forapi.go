package report

import (
	"context"
	"errors"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/queries"
)

// ForAPI is the service as the dashboard's API uses it (api.Reports): the
// configured reports for /api/v1/reports and the Reports page, and "run
// now". The API cannot name this package's types — reports draw the pages,
// which ask the API — so this adapter speaks the API's.
func (s *Service) ForAPI() api.Reports { return apiReports{s} }

type apiReports struct{ s *Service }

// Definitions lists the configured reports with their next runs.
func (r apiReports) Definitions() []api.ReportDefinition {
	out := make([]api.ReportDefinition, 0, len(r.s.defs))
	for _, def := range r.s.defs {
		d := api.ReportDefinition{Name: def.Name, Title: def.Title, Location: def.Location, Next: r.s.Next(def.Name), Granularity: def.Granularity,
			Language: def.Language, Destinations: def.Destinations, CatchUp: def.CatchUp}
		if def.Schedule != nil {
			d.Schedule = def.Schedule.String()
		}
		for _, sec := range def.Sections {
			d.Sections = append(d.Sections, string(sec))
		}
		out = append(out, d)
	}
	return out
}

// RunNow runs report name by hand; a report already running is a conflict.
func (r apiReports) RunNow(ctx context.Context, name string, opts api.RunOptions) (queries.ReportRun, error) {
	req := Request{Trigger: TriggerManual, NoDelivery: opts.NoDelivery}
	if opts.Period != "" {
		for _, def := range r.s.defs {
			if def.Name != name {
				continue
			}
			p, err := ParsePeriod(opts.Period, def.Location)
			if err != nil {
				return queries.ReportRun{}, &imscope.InvalidError{Param: api.ParamPeriod, Message: err.Error()}
			}
			req.Periods = &p
		}
	}
	run, err := r.s.Run(ctx, name, req)
	if errors.Is(err, ErrRunning) {
		err = &api.ConflictError{Err: err}
	}
	return run, err
}
