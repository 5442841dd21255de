package api

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/queries"
)

const ParamLimit = "limit"

// defaultAlertSpan is how far back recent alert events reach by default.
const defaultAlertSpan = 7 * 24 * time.Hour

// AlertStates gives the alert rules' live states; alerting.Runner
// satisfies it. Without one (no rules run in this process) states come
// from the latest transitions on record.
type AlertStates interface {
	States() map[string]analytics.AlertState
}

// AlertState is one rule's state.
type AlertState struct {
	Rule       string     `json:"rule"`
	Kind       string     `json:"kind"`
	Configured bool       `json:"configured"`
	Firing     bool       `json:"firing"`
	Since      *time.Time `json:"since"` // when the current state began; null before any transition
	Value      *float64   `json:"value"` // the value behind the latest evaluation with data
}

// AlertEvent is one transition of a rule: it started firing or resolved.
type AlertEvent struct {
	TS      time.Time         `json:"ts"`
	Rule    string            `json:"rule"`
	Kind    string            `json:"kind"`
	Firing  bool              `json:"firing"` // true: started firing; false: resolved
	Value   float64           `json:"value"`
	Message string            `json:"message"`
	Labels  map[string]string `json:"labels"`
}

// AlertsData answers /alerts.
type AlertsData struct {
	States []AlertState `json:"states"`
	Events []AlertEvent `json:"events"` // newest first
}

// Firing are the states of the rules firing now.
func (d AlertsData) Firing() []AlertState {
	var out []AlertState
	for _, s := range d.States {
		if s.Firing {
			out = append(out, s)
		}
	}
	return out
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d AlertsData) Rows(table string) [][]any {
	var out [][]any
	if table == "events" {
		for _, e := range d.Events {
			labels := make([]string, 0, len(e.Labels))
			for _, k := range slices.Sorted(maps.Keys(e.Labels)) {
				labels = append(labels, k+"="+e.Labels[k])
			}
			out = append(out, []any{e.TS, e.Rule, e.Kind, e.Firing, e.Value, e.Message, labels})
		}
		return out
	}
	for _, s := range d.States {
		out = append(out, []any{s.Rule, s.Kind, s.Configured, s.Firing, s.Since, s.Value})
	}
	return out
}

var alertsEndpoint = &Endpoint{
	Path:    "/alerts",
	Summary: "Alert rules' current states and recent transitions",
	Description: "States: every configured rule, with the live state of the running evaluator (or the latest transition on record), plus rules on record no longer configured. " +
		"Events: transitions in [from, to), newest first; default the 7 days up to the end of the current minute, so an alert that fired a moment ago is listed (a `to` later than that is cut to it).",
	Uses: []string{ParamFrom, ParamTo},
	Params: []paramDoc{
		{Name: ParamLimit, Type: "integer", Default: "100", Doc: "at most this many events (1–1000)"},
	},
	Tables: []Table{
		{Name: "states", Doc: "one row per rule", Columns: []Column{
			{"rule", "string", "rule name"},
			{"kind", "string", "threshold, week_over_week, stale, share_shift"},
			{"configured", "boolean", "in the current configuration"},
			{"firing", "boolean", "firing now"},
			{"since", "date-time", "when the current state began"},
			{"value", "number", "the latest evaluated value"},
		}},
		{Name: "events", Doc: "one row per transition, newest first", Columns: []Column{
			{"ts", "date-time", "when"},
			{"rule", "string", "rule name"},
			{"kind", "string", "rule kind"},
			{"firing", "boolean", "true: started firing; false: resolved"},
			{"value", "number", "the value that caused it"},
			{"message", "string", "what happened"},
			{"labels", "string", "the rule's labels, key=value ;-separated"},
		}},
	},
	Data: AlertsData{},
}

type alertsParams struct {
	spanParams
	limit int
}

func (a *API) registerAlerts() {
	register(a, alertsEndpoint,
		func(_ context.Context, q *request, sh shared) (alertsParams, error) {
			limit, err := q.parseInt(ParamLimit, 1, 1000, 100)
			if err != nil {
				return alertsParams{}, err
			}
			span, err := q.eventSpan(sh, defaultAlertSpan)
			return alertsParams{spanParams: spanParams{span: span, now: q.now}, limit: limit}, err
		},
		func(ctx context.Context, p alertsParams) (Result, error) {
			f := p.span.Filter()
			events, err := queries.AlertEvents(ctx, a.engine, f.From, f.To, p.limit)
			if err != nil {
				return nil, err
			}
			saved, err := queries.AlertStates(ctx, a.engine)
			if err != nil {
				return nil, err
			}
			states := map[string]*AlertState{}
			for _, r := range a.opts.AlertRules {
				states[r.Name] = &AlertState{Rule: r.Name, Kind: string(r.Kind), Configured: true}
			}
			state := func(rule string) *AlertState {
				if states[rule] == nil {
					states[rule] = &AlertState{Rule: rule}
				}
				return states[rule]
			}
			for _, s := range saved {
				st := state(s.Rule)
				st.Firing, st.Since, st.Value = s.Firing, optTime(s.Since), new(s.Value)
			}
			if a.opts.Alerts != nil {
				for rule, s := range a.opts.Alerts.States() {
					st := state(rule)
					st.Firing, st.Since, st.Value = s.Firing, optTime(s.Since), new(s.Value)
				}
			}
			d := AlertsData{States: []AlertState{}, Events: make([]AlertEvent, len(events))}
			for i, e := range events {
				labels := e.Labels
				if labels == nil {
					labels = map[string]string{}
				}
				d.Events[i] = AlertEvent{TS: e.TS.UTC(), Rule: e.Rule, Kind: e.Kind, Firing: e.Firing, Value: e.Value, Message: e.Message, Labels: labels}
				if st := states[e.Rule]; st != nil && st.Kind == "" {
					st.Kind = e.Kind
				}
			}
			for _, st := range states {
				d.States = append(d.States, *st)
			}
			slices.SortFunc(d.States, func(x, y AlertState) int { return cmp.Compare(x.Rule, y.Rule) })
			return d, nil
		})
}
