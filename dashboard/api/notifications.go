package api

import (
	"context"
	"net/url"
	"regexp"
	"time"

	"github.com/imscope/imscope/queries"
)

// ParamOffset skips that many rows of a list, for paging.
const ParamOffset = "offset"

// maxOffset bounds paging: the log is small (a row per group and
// destination per repeat interval), and a huge offset only makes work.
const maxOffset = 100000

// SentNotification is one alert notification to one destination, as the
// delivery log (alert_notifications) has it: one tick's attempt, Deliver's
// own retries included. Destinations are shown by name only — a webhook's
// URL may carry a token — and errors with any URL cut to its scheme and
// host.
type SentNotification struct {
	SentAt      time.Time `json:"sent_at"`
	ID          string    `json:"id"` // the X-Imscope-Delivery id; a retry of a failed notification keeps it
	Destination string    `json:"destination"`
	Group       string    `json:"group"`    // the group_by labels and their values, label=value,…
	Status      string    `json:"status"`   // ok or failed
	State       string    `json:"state"`    // firing if any alert in it fired, else resolved
	Rules       []string  `json:"rules"`    // the rules whose alerts it carried
	Attempts    int       `json:"attempts"` // tries in this tick
	Error       string    `json:"error"`    // why it failed; "" when ok
}

// NotificationsData answers /alerts/notifications.
type NotificationsData struct {
	Total         int                `json:"total"` // notifications in [from, to), before limit and offset
	Notifications []SentNotification `json:"notifications"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d NotificationsData) Rows(string) [][]any {
	var out [][]any
	for _, n := range d.Notifications {
		out = append(out, []any{n.SentAt, n.ID, n.Destination, n.Group, n.Status, n.State, n.Rules, n.Attempts, n.Error})
	}
	return out
}

var notificationsEndpoint = &Endpoint{
	Path:    "/alerts/notifications",
	Summary: "Alert notifications sent and attempted",
	Description: "The delivery log: each alert notification to each destination in [from, to), newest first — when, its id (the webhook's X-Imscope-Delivery), " +
		"the destination's name, the group, whether it went out, the rules it carried, the attempts and the error. " +
		"Default: the 7 days up to the end of the current minute. Page with limit and offset; total counts them all.",
	Uses: []string{ParamFrom, ParamTo},
	Params: []paramDoc{
		{Name: ParamLimit, Type: "integer", Default: "100", Doc: "at most this many notifications (1–1000)"},
		{Name: ParamOffset, Type: "integer", Default: "0", Doc: "skip this many of the newest first (0–100000), for the next page"},
	},
	Tables: []Table{
		{Name: "notifications", Doc: "one row per notification, destination and attempt, newest first", Columns: []Column{
			{"sent_at", "date-time", "when it went out or failed"},
			{"id", "string", "notification id (X-Imscope-Delivery); a retry keeps it"},
			{"destination", "string", "destination name"},
			{"group", "string", "group_by labels and values, label=value,…"},
			{"status", "string", "ok or failed"},
			{"state", "string", "firing or resolved"},
			{"rules", "string", "the rules it carried, ;-separated"},
			{"attempts", "integer", "tries"},
			{"error", "string", "why it failed"},
		}},
	},
	Data: NotificationsData{},
}

type notificationsParams struct {
	spanParams
	limit, offset int
}

func (a *API) registerNotifications() {
	register(a, notificationsEndpoint,
		func(_ context.Context, q *request, sh shared) (notificationsParams, error) {
			limit, err := q.parseInt(ParamLimit, 1, 1000, 100)
			if err != nil {
				return notificationsParams{}, err
			}
			offset, err := q.parseInt(ParamOffset, 0, maxOffset, 0)
			if err != nil {
				return notificationsParams{}, err
			}
			span, err := q.eventSpan(sh, defaultAlertSpan)
			return notificationsParams{spanParams: spanParams{span: span, now: q.now}, limit: limit, offset: offset}, err
		},
		func(ctx context.Context, p notificationsParams) (Result, error) {
			f := p.span.Filter()
			// The page first, then the count: rows are only ever added, so
			// the count covers the page even when one lands in between.
			sent, err := queries.AlertNotificationsSent(ctx, a.engine, f.From, f.To, p.limit, p.offset)
			if err != nil {
				return nil, err
			}
			total, err := queries.CountAlertNotificationsSent(ctx, a.engine, f.From, f.To)
			if err != nil {
				return nil, err
			}
			if len(sent) > 0 {
				total = max(total, p.offset+len(sent))
			}
			d := NotificationsData{Total: total, Notifications: make([]SentNotification, len(sent))}
			for i, n := range sent {
				state := "resolved"
				if n.Firing > 0 {
					state = "firing"
				}
				d.Notifications[i] = SentNotification{SentAt: n.SentAt.UTC(), ID: n.NotificationID, Destination: n.Destination, Group: n.GroupKey,
					Status: n.Status, State: state, Rules: nonNil(n.Rules), Attempts: n.Attempts, Error: redactURLs(n.Error)}
			}
			return d, nil
		})
}

// urlRE finds URLs in text.
var urlRE = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+`)

// redactURLs cuts every URL in an error to its scheme and host. Delivery
// already writes a webhook's URL that way, but the log is shown to every
// viewer and may hold rows from before, or an error some library quoted a
// URL in: a token in a path, a query or a user name must not reach them.
func redactURLs(s string) string {
	return urlRE.ReplaceAllStringFunc(s, func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return "[url]"
		}
		if u.Path == "" && u.RawQuery == "" && u.User == nil && u.Fragment == "" {
			return raw
		}
		return u.Scheme + "://" + u.Host + "/…"
	})
}
