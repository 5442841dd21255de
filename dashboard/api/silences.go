package api

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/alerting"
	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/queries"
)

// Silence is a silence as the API shows it.
type Silence struct {
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

// SilenceChange is one entry of the silences' audit log.
type SilenceChange struct {
	ChangedAt time.Time `json:"changed_at"`
	SilenceID string    `json:"silence_id"`
	Action    string    `json:"action"` // create or expire
	Actor     string    `json:"actor"`
	Matchers  []string  `json:"matchers"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Comment   string    `json:"comment"`
}

// SilencesData answers /alerts/silences.
type SilencesData struct {
	Silences []Silence       `json:"silences"` // not yet ended, latest starting first
	Changes  []SilenceChange `json:"changes"`  // the audit log, newest first
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d SilencesData) Rows(table string) [][]any {
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

var silencesEndpoint = &Endpoint{
	Path:        "/alerts/silences",
	Summary:     "Alert silences and their audit log",
	Description: "Silences that have not ended (active, or starting later) with the configured rules each holds back, and the latest changes to silences — who created or expired which, when — newest first.",
	Params: []paramDoc{
		{Name: ParamLimit, Type: "integer", Default: "100", Doc: "at most this many changes (1–1000)"},
	},
	Tables: []Table{
		{Name: "silences", Doc: "one row per silence not yet ended", Columns: []Column{
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
		{Name: "changes", Doc: "one row per change, newest first", Columns: []Column{
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
	Data: SilencesData{},
}

type silencesParams struct {
	limit int
	now   time.Time
}

func (a *API) registerSilences() {
	register(a, silencesEndpoint,
		func(_ context.Context, q *request, _ shared) (silencesParams, error) {
			limit, err := q.parseInt(ParamLimit, 1, 1000, 100)
			return silencesParams{limit: limit, now: q.now}, err
		},
		func(ctx context.Context, p silencesParams) (Result, error) {
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
			d := SilencesData{Silences: []Silence{}, Changes: []SilenceChange{}}
			for _, s := range silences {
				d.Silences = append(d.Silences, toSilenceJSON(s, a.opts.AlertRules, p.now))
			}
			for _, c := range changes {
				d.Changes = append(d.Changes, SilenceChange{ChangedAt: c.ChangedAt.UTC(), SilenceID: c.SilenceID, Action: c.Action, Actor: c.Actor,
					Matchers: nonNil(c.Matchers), StartsAt: c.StartsAt.UTC(), EndsAt: c.EndsAt.UTC(), Comment: c.Comment})
			}
			return d, nil
		})
}

// toSilenceJSON shows a silence with the configured rules it holds back:
// their labels, plus rule and kind, as the notifier matches them.
func toSilenceJSON(s alerting.Silence, rules []analytics.Rule, now time.Time) Silence {
	out := Silence{ID: s.ID, Matchers: []string{}, StartsAt: s.StartsAt.UTC(), EndsAt: s.EndsAt.UTC(), Active: s.Active(now),
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
func (a *API) silenceRequest(c *gin.Context, now time.Time) (alerting.SilenceRequest, error) {
	if err := c.Request.ParseForm(); err != nil {
		return alerting.SilenceRequest{}, invalid("", "the form is not valid URL encoding")
	}
	form := c.Request.Form
	for _, k := range slices.Sorted(maps.Keys(form)) {
		switch {
		case !slices.Contains([]string{pRule, pMatchers, pDuration, pUntil, pComment, guard.FormCSRF}, k):
			return alerting.SilenceRequest{}, invalid(respond.Clip(k), "unknown parameter; a silence takes rule, matchers, duration, until and comment")
		case len(form[k]) > 1 && k != pMatchers:
			return alerting.SilenceRequest{}, invalid(respond.Clip(k), "given more than once")
		}
	}
	var req alerting.SilenceRequest
	if rule := strings.TrimSpace(form.Get(pRule)); rule != "" {
		if len(a.opts.AlertRules) > 0 && !slices.ContainsFunc(a.opts.AlertRules, func(r analytics.Rule) bool { return r.Name == rule }) {
			return req, invalid(pRule, fmt.Sprintf("no alert rule named %s is configured", respond.Quote(rule)))
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
		t, err := ParseTime(pUntil, until)
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
		return 0, invalid(pDuration, fmt.Sprintf("%s is not a duration like 90m, 4h, 1h30m or 3d", respond.Quote(s)))
	case dur < minSilence || dur > maxSilence:
		return 0, invalid(pDuration, fmt.Sprintf("must be between %s and %s", minSilence, fmtDays(maxSilence)))
	}
	return dur, nil
}

func fmtDays(d time.Duration) string { return strconv.Itoa(int(d/(24*time.Hour))) + "d" }

// CreateSilence makes the silence the admin asked for.
func (a *API) CreateSilence(c *gin.Context) (alerting.Silence, error) {
	now := a.opts.Now()
	req, err := a.silenceRequest(c, now)
	if err != nil {
		return alerting.Silence{}, err
	}
	given := pDuration
	if c.Request.Form.Get(pUntil) != "" {
		given = pUntil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), a.opts.RequestTimeout)
	defer cancel()
	s, err := alerting.CreateSilence(ctx, a.opts.Engine, req, guard.CurrentUser(c).Name, now)
	if err != nil {
		return s, renameParam(err, "ends_at", given)
	}
	a.log.Info("silence created", "silence", s.ID, "matchers", req.Matchers, "until", s.EndsAt, "by", guard.CurrentUser(c).Name, "request_id", respond.RequestID(c))
	a.forget()
	return s, nil
}

// ExpireSilence ends silence id now.
func (a *API) ExpireSilence(c *gin.Context, id string) (alerting.Silence, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), a.opts.RequestTimeout)
	defer cancel()
	s, err := alerting.ExpireSilence(ctx, a.opts.Engine, id, guard.CurrentUser(c).Name, a.opts.Now())
	if errors.Is(err, alerting.ErrNoSilence) {
		return s, &NoSuchError{"silence", id}
	}
	if err != nil {
		return s, err
	}
	a.log.Info("silence expired", "silence", id, "by", guard.CurrentUser(c).Name, "request_id", respond.RequestID(c))
	a.forget()
	return s, nil
}

// silenceActions are the admin's silence operations of the API.
func (a *API) silenceActions() []*action {
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
		Data:   Silence{},
		handle: func(c *gin.Context) {
			s, err := a.CreateSilence(c)
			a.answerAction(c, err, func() any { return toSilenceJSON(s, a.opts.AlertRules, a.opts.Now()) })
		},
	}, {
		ID: "silence_expire", Method: http.MethodPost, Path: "/alerts/silences/:id/expire",
		Summary:     "Expire a silence now",
		Description: "Ends the silence now (one that has not started yet ends before it begins). The change is kept in the audit log with the admin's name.",
		Params:      []paramDoc{idParam},
		Data:        Silence{},
		handle: func(c *gin.Context) {
			s, err := a.ExpireSilence(c, c.Param("id"))
			a.answerAction(c, err, func() any { return toSilenceJSON(s, a.opts.AlertRules, a.opts.Now()) })
		},
	}}
}
