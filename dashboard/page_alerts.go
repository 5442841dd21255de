package dashboard

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/alerting"
	"github.com/imscope/imscope/queries"
)

// The Alerts page: the rules' states, the history of alert events, and the
// silences that hold notifications back — with, for the admin, forms to
// silence a rule or a label matcher for a while and to expire a silence.
// Every change to a silence is kept with who made it (alert_silences), and
// the page shows that audit log.

type alertsView struct {
	Data  alertsData
	Links []navLink
	Rows  alertRowsView

	Silences     silencesData
	SilenceLinks []navLink
	Muted        map[string]string // rule → until when an active silence holds it back
	CanSilence   bool
	Durations    []string // the quick choices of a rule row
}

// ExpireAction is where the expire form of silence id posts.
func (alertsView) ExpireAction(id string) string {
	return "/alerts/silences/" + url.PathEscape(id) + "/expire"
}

func (d *Dashboard) buildAlerts(p *pageCtx) error {
	p.takeFlash()
	res, q, err := p.ask("/alerts", pLimit, p.values.Get(pLimit))
	if err != nil {
		p.trafficFilters(p.given())
		p.view.Content = alertsView{}
		return err
	}
	p.alertFilters(q)
	ad := res.(alertsData)
	v := alertsView{Data: ad, Links: p.dataLinks("/alerts", q, "states", "events"), Rows: alertRowsView{V: p.view, Events: ad.Events},
		CanSilence: p.view.User != nil && p.view.User.Admin, Durations: []string{"1h", "4h", "24h"}, Muted: map[string]string{}}
	p.view.Content = v
	if p.view.Report { // a report's alerts section has no silences
		return nil
	}
	sres, sq, err := p.ask("/alerts/silences")
	if err != nil {
		return err
	}
	v.Silences, v.SilenceLinks = sres.(silencesData), p.dataLinks("/alerts/silences", sq, "silences", "changes")
	for _, s := range v.Silences.Silences {
		for _, rule := range s.Rules {
			// The latest end of the silences holding the rule back (the
			// format sorts as time does).
			if until := fmtWhen(s.EndsAt); s.Active && until > v.Muted[rule] {
				v.Muted[rule] = until
			}
		}
	}
	p.view.Content = v
	return nil
}

// alertFilters: the window of events and how many to list.
func (p *pageCtx) alertFilters(q map[string]string) {
	limit := field{Name: pLimit, Label: p.T("filter.limit"), Type: "select"}
	for _, n := range []string{"100", "500", "1000"} {
		limit.Options = append(limit.Options, option{Value: n, Label: n, Selected: q[pLimit] == n})
	}
	p.view.Filter = append([]field{
		{Name: pFrom, Label: p.T("filter.from"), Type: "text", Value: q[pFrom], Placeholder: "2012-06-01", Size: 20, Wide: true},
		{Name: pTo, Label: p.T("filter.to"), Type: "text", Value: q[pTo], Placeholder: "2012-07-01", Size: 20, Wide: true},
		limit,
	}, p.hiddenViewFields()...)
}

// alertRowsView is the alert-events table's input: the page's view (for
// its language) and the events.
type alertRowsView struct {
	V      *view
	Events []alertEventJSON
}

type silenceJSON struct {
	ID        string    `json:"id"`
	Matchers  []string  `json:"matchers"` // all must match
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Active    bool      `json:"active"` // false: starts later
	Comment   string    `json:"comment"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Rules     []string  `json:"rules"` // the configured rules it holds back
}

type silenceChangeJSON struct {
	ChangedAt time.Time `json:"changed_at"`
	SilenceID string    `json:"silence_id"`
	Action    string    `json:"action"` // create or expire
	Actor     string    `json:"actor"`
	Matchers  []string  `json:"matchers"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Comment   string    `json:"comment"`
}

type silencesData struct {
	Silences []silenceJSON       `json:"silences"` // not yet ended, latest starting first
	Changes  []silenceChangeJSON `json:"changes"`  // the audit log, newest first
}

func (d silencesData) rows(table string) [][]any {
	var out [][]any
	if table == "changes" {
		for _, c := range d.Changes {
			out = append(out, []any{c.ChangedAt, c.SilenceID, c.Action, c.Actor, c.Matchers, c.StartsAt, c.EndsAt, c.Comment})
		}
		return out
	}
	for _, s := range d.Silences {
		out = append(out, []any{s.ID, s.Matchers, s.StartsAt, s.EndsAt, s.Active, s.Comment, s.CreatedBy, s.CreatedAt, s.Rules})
	}
	return out
}

var silencesEndpoint = &endpoint{
	Path:        "/alerts/silences",
	Summary:     "Alert silences and their audit log",
	Description: "Silences that have not ended (active, or starting later) with the configured rules each holds back, and the latest changes to silences — who created or expired which, when — newest first.",
	Params: []paramDoc{
		{Name: pLimit, Type: "integer", Default: "100", Doc: "at most this many changes (1–1000)"},
	},
	Tables: []tableSpec{
		{Name: "silences", Doc: "one row per silence not yet ended", Columns: []column{
			{"id", "string", "silence id"},
			{"matchers", "string", "label matchers, all of which must match, ;-separated"},
			{"starts_at", "date-time", "start"},
			{"ends_at", "date-time", "end"},
			{"active", "boolean", "in force now"},
			{"comment", "string", "why"},
			{"created_by", "string", "who created it"},
			{"created_at", "date-time", "when"},
			{"rules", "string", "configured rules it holds back, ;-separated"},
		}},
		{Name: "changes", Doc: "one row per change, newest first", Columns: []column{
			{"changed_at", "date-time", "when"},
			{"silence_id", "string", "silence id"},
			{"action", "string", "create or expire"},
			{"actor", "string", "who"},
			{"matchers", "string", "its matchers, ;-separated"},
			{"starts_at", "date-time", "its start after the change"},
			{"ends_at", "date-time", "its end after the change"},
			{"comment", "string", "its comment"},
		}},
	},
	Data: silencesData{},
}

type silencesParams struct {
	limit int
	now   time.Time
}

func (a *api) registerSilences() {
	register(a, silencesEndpoint,
		func(_ context.Context, q *request, _ shared) (silencesParams, error) {
			limit, err := q.parseInt(pLimit, 1, 1000, 100)
			return silencesParams{limit: limit, now: q.now}, err
		},
		func(ctx context.Context, p silencesParams) (result, error) {
			silences, err := alerting.Silences(ctx, a.engine, p.now)
			if err != nil {
				return nil, err
			}
			// Changes up to now, and those a clock set back has dated
			// later (an expiry is dated after the change before it).
			changes, err := queries.SilenceChanges(ctx, a.engine, time.Unix(0, 0), p.now.Add(time.Hour), p.limit)
			if err != nil {
				return nil, err
			}
			d := silencesData{Silences: []silenceJSON{}, Changes: []silenceChangeJSON{}}
			for _, s := range silences {
				d.Silences = append(d.Silences, toSilenceJSON(s, a.opts.AlertRules, p.now))
			}
			for _, c := range changes {
				d.Changes = append(d.Changes, silenceChangeJSON{ChangedAt: c.ChangedAt.UTC(), SilenceID: c.SilenceID, Action: c.Action, Actor: c.Actor,
					Matchers: nonNil(c.Matchers), StartsAt: c.StartsAt.UTC(), EndsAt: c.EndsAt.UTC(), Comment: c.Comment})
			}
			return d, nil
		})
}

// toSilenceJSON shows a silence with the configured rules it holds back:
// their labels, plus rule and kind, as the notifier matches them.
func toSilenceJSON(s alerting.Silence, rules []analytics.Rule, now time.Time) silenceJSON {
	out := silenceJSON{ID: s.ID, Matchers: []string{}, StartsAt: s.StartsAt.UTC(), EndsAt: s.EndsAt.UTC(), Active: s.Active(now),
		Comment: s.Comment, CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt.UTC(), Rules: []string{}}
	for _, m := range s.Matchers {
		out.Matchers = append(out.Matchers, m.String())
	}
	for _, r := range rules {
		labels := maps.Clone(r.Labels)
		if labels == nil {
			labels = map[string]string{}
		}
		labels["rule"], labels["kind"] = r.Name, string(r.Kind)
		if s.Mutes(labels) {
			out.Rules = append(out.Rules, r.Name)
		}
	}
	return out
}

// Parameters of a new silence (form fields of the page and the API).
const (
	pRule     = "rule"
	pMatchers = "matchers"
	pDuration = "duration"
	pUntil    = "until"
	pComment  = "comment"
)

// Bounds of a silence: a longer one hides a rule that should be changed.
const (
	minSilence     = time.Minute
	maxSilence     = 90 * 24 * time.Hour
	maxCommentLen  = 500 // characters
	maxMatchersLen = 16
)

// silenceRequest reads a new silence from the request's form: a rule
// and/or label matchers (one per line, all must match), for a duration or
// until a time, with a comment. A bad field is an InvalidError naming it.
func (d *Dashboard) silenceRequest(c *gin.Context, now time.Time) (alerting.SilenceRequest, error) {
	if err := c.Request.ParseForm(); err != nil {
		return alerting.SilenceRequest{}, invalid("", "the form is not valid URL encoding")
	}
	form := c.Request.Form
	for _, k := range slices.Sorted(maps.Keys(form)) {
		switch {
		case !slices.Contains([]string{pRule, pMatchers, pDuration, pUntil, pComment, formCSRF}, k):
			return alerting.SilenceRequest{}, invalid(clip(k), "unknown parameter; a silence takes rule, matchers, duration, until and comment")
		case len(form[k]) > 1 && k != pMatchers:
			return alerting.SilenceRequest{}, invalid(clip(k), "given more than once")
		}
	}
	var req alerting.SilenceRequest
	if rule := strings.TrimSpace(form.Get(pRule)); rule != "" {
		if len(d.opts.AlertRules) > 0 && !slices.ContainsFunc(d.opts.AlertRules, func(r analytics.Rule) bool { return r.Name == rule }) {
			return req, invalid(pRule, fmt.Sprintf("no alert rule named %s is configured", quote(rule)))
		}
		req.Matchers = append(req.Matchers, "rule="+strconv.Quote(rule))
	}
	for _, v := range form[pMatchers] {
		for line := range strings.SplitSeq(v, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				req.Matchers = append(req.Matchers, line)
			}
		}
	}
	switch {
	case len(req.Matchers) == 0:
		return req, invalid(pMatchers, "give a rule, or label matchers such as bridge=fetion-msn (one per line, all must match)")
	case len(req.Matchers) > maxMatchersLen:
		return req, invalid(pMatchers, fmt.Sprintf("at most %d matchers", maxMatchersLen))
	}
	dur, until := strings.TrimSpace(form.Get(pDuration)), strings.TrimSpace(form.Get(pUntil))
	switch {
	case dur != "" && until != "":
		return req, invalid(pUntil, "give duration or until, not both")
	case dur != "":
		length, err := parseSilenceDuration(dur)
		if err != nil {
			return req, err
		}
		req.EndsAt = now.Add(length)
	case until != "":
		t, err := parseTime(pUntil, until)
		if err != nil {
			return req, err
		}
		if t.Sub(now) < minSilence || t.Sub(now) > maxSilence {
			return req, invalid(pUntil, fmt.Sprintf("must be between %s and %s from now", minSilence, fmtDays(maxSilence)))
		}
		req.EndsAt = t
	default:
		return req, invalid(pDuration, "how long: a duration (90m, 4h, 3d) or until (an RFC 3339 time)")
	}
	req.Comment = strings.TrimSpace(form.Get(pComment))
	if utf8.RuneCountInString(req.Comment) > maxCommentLen {
		return req, invalid(pComment, fmt.Sprintf("at most %d characters", maxCommentLen))
	}
	return req, nil
}

// parseSilenceDuration reads 90m, 4h, 1h30m or 3d.
func parseSilenceDuration(s string) (time.Duration, error) {
	var dur time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		dur = time.Duration(n) * 24 * time.Hour
	} else {
		dur, err = time.ParseDuration(s)
	}
	switch {
	case err != nil:
		return 0, invalid(pDuration, fmt.Sprintf("%s is not a duration like 90m, 4h, 1h30m or 3d", quote(s)))
	case dur < minSilence || dur > maxSilence:
		return 0, invalid(pDuration, fmt.Sprintf("must be between %s and %s", minSilence, fmtDays(maxSilence)))
	}
	return dur, nil
}

func fmtDays(d time.Duration) string { return strconv.Itoa(int(d/(24*time.Hour))) + "d" }

// createSilence makes the silence the admin asked for.
func (d *Dashboard) createSilence(c *gin.Context) (alerting.Silence, error) {
	now := d.opts.Now()
	req, err := d.silenceRequest(c, now)
	if err != nil {
		return alerting.Silence{}, err
	}
	given := pDuration
	if c.Request.Form.Get(pUntil) != "" {
		given = pUntil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), d.opts.RequestTimeout)
	defer cancel()
	s, err := alerting.CreateSilence(ctx, d.opts.Engine, req, currentUser(c).Name, now)
	if err != nil {
		return s, renameParam(err, "ends_at", given)
	}
	d.opts.Logger.Info("silence created", "silence", s.ID, "matchers", req.Matchers, "until", s.EndsAt, "by", currentUser(c).Name, "request_id", requestID(c))
	d.forget()
	return s, nil
}

// expireSilence ends silence id now.
func (d *Dashboard) expireSilence(c *gin.Context, id string) (alerting.Silence, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), d.opts.RequestTimeout)
	defer cancel()
	s, err := alerting.ExpireSilence(ctx, d.opts.Engine, id, currentUser(c).Name, d.opts.Now())
	if errors.Is(err, alerting.ErrNoSilence) {
		return s, errNoSuch{"silence", id}
	}
	if err != nil {
		return s, err
	}
	d.opts.Logger.Info("silence expired", "silence", id, "by", currentUser(c).Name, "request_id", requestID(c))
	d.forget()
	return s, nil
}

func matcherText(s alerting.Silence) string {
	ms := make([]string, len(s.Matchers))
	for i, m := range s.Matchers {
		ms[i] = m.String()
	}
	return strings.Join(ms, ", ")
}

// silenceRoutes mounts the Alerts page's silence forms.
func (d *Dashboard) silenceRoutes(r *gin.Engine) {
	r.POST("/alerts/silences", d.requireAdmin, func(c *gin.Context) {
		s, err := d.createSilence(c)
		lang := requestLang(c.Request, "")
		var ie *imscope.InvalidError
		switch {
		case errors.As(err, &ie):
			d.flash(c, "error", translate(lang, "silences.not_created", ie.Error()))
		case err != nil:
			d.actionFailed(c, err)
			return
		default:
			d.flash(c, "info", translate(lang, "silences.created", matcherText(s), fmtWhen(s.EndsAt)))
		}
		c.Redirect(http.StatusSeeOther, "/alerts#silences")
	})
	r.POST("/alerts/silences/:id/expire", d.requireAdmin, func(c *gin.Context) {
		s, err := d.expireSilence(c, c.Param("id"))
		lang := requestLang(c.Request, "")
		var ns errNoSuch
		switch {
		case errors.As(err, &ns):
			d.flash(c, "warn", translate(lang, "silences.gone"))
		case err != nil:
			d.actionFailed(c, err)
			return
		default:
			d.flash(c, "info", translate(lang, "silences.expired", matcherText(s)))
		}
		c.Redirect(http.StatusSeeOther, "/alerts#silences")
	})
}

// silenceActions are the admin's silence operations of the API.
func (d *Dashboard) silenceActions() []*action {
	idParam := paramDoc{Name: "id", In: "path", Type: "string", Required: true, Doc: "the silence's id"}
	return []*action{{
		ID: "silence_create", Method: http.MethodPost, Path: "/alerts/silences",
		Summary: "Silence alerts for a while",
		Description: "Holds back notifications of the alerts that all the matchers match (a rule's labels, plus rule and kind), from now for a duration or until a time. " +
			"Fields are form-encoded (application/x-www-form-urlencoded). The change is kept in the audit log with the admin's name.",
		Params: []paramDoc{
			{Name: pRule, In: "form", Type: "string", Doc: "a configured rule's name: the same as the matcher rule=\"NAME\""},
			{Name: pMatchers, In: "form", Type: "array", Doc: "label matchers: name=value, name!=value, name=~regex or name!~regex; one per line or repeated"},
			{Name: pDuration, In: "form", Type: "string", Doc: "how long, from 1m to 90d: 90m, 4h, 1h30m, 3d"},
			{Name: pUntil, In: "form", Type: "string", Doc: "or until when: an RFC 3339 time (or a date, UTC)"},
			{Name: pComment, In: "form", Type: "string", Doc: "why, at most 500 characters"},
		},
		Errors: map[string]string{"400": "a field is wrong; error.param names it"},
		Data:   silenceJSON{},
		handle: func(c *gin.Context) {
			s, err := d.createSilence(c)
			if err != nil {
				d.actionFailed(c, err)
				return
			}
			c.JSON(http.StatusOK, gin.H{"data": toSilenceJSON(s, d.opts.AlertRules, d.opts.Now())})
		},
	}, {
		ID: "silence_expire", Method: http.MethodPost, Path: "/alerts/silences/:id/expire",
		Summary:     "Expire a silence now",
		Description: "Ends the silence now (one that has not started yet ends before it begins). The change is kept in the audit log with the admin's name.",
		Params:      []paramDoc{idParam},
		Data:        silenceJSON{},
		handle: func(c *gin.Context) {
			s, err := d.expireSilence(c, c.Param("id"))
			if err != nil {
				d.actionFailed(c, err)
				return
			}
			c.JSON(http.StatusOK, gin.H{"data": toSilenceJSON(s, d.opts.AlertRules, d.opts.Now())})
		},
	}}
}
