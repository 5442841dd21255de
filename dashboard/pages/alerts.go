package pages

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/alerting"
	"github.com/imscope/imscope/dashboard/api"
)

// The Alerts page: the rules' states, the history of alert events, and the
// silences that hold notifications back — with, for the admin, forms to
// silence a rule or a label matcher for a while and to expire a silence.
// Every change to a silence is kept with who made it (alert_silences), and
// the page shows that audit log, and the notifications sent
// (alert_notifications), a page at a time.

// AlertsView is the Alerts page.
type AlertsView struct {
	Data  api.AlertsData
	Links []navLink
	Rows  alertRowsView

	Silences     api.SilencesData
	SilenceLinks []navLink
	Muted        map[string]string // rule → until when an active silence holds it back
	CanSilence   bool
	Durations    []string // the quick choices of a rule row

	// Notifications is the delivery log's page shown, with its data links
	// and the links to the newer and the older page ("" at either end).
	Notifications     api.NotificationsData
	NotificationLinks []navLink
	NotificationPages notificationPages
}

// ExpireAction is where the expire form of silence id posts.
func (AlertsView) ExpireAction(id string) string {
	return "/alerts/silences/" + url.PathEscape(id) + "/expire"
}

func (s *Site) buildAlerts(p *pageCtx) error {
	p.takeFlash()
	res, q, err := p.ask("/alerts", api.ParamLimit, p.values.Get(api.ParamLimit))
	if err != nil {
		p.trafficFilters(p.given())
		p.view.Content = AlertsView{}
		return err
	}
	p.alertFilters(q)
	ad := res.(api.AlertsData)
	v := AlertsView{Data: ad, Links: p.dataLinks("/alerts", q, "states", "events"), Rows: alertRowsView{V: p.view, Events: ad.Events},
		CanSilence: p.view.User != nil && p.view.User.Admin, Durations: []string{"1h", "4h", "24h"}, Muted: map[string]string{}}
	p.view.Content = v
	if p.view.Report { // a report's alerts section has no silences
		return nil
	}
	sres, sq, err := p.ask("/alerts/silences")
	if err != nil {
		return err
	}
	v.Silences, v.SilenceLinks = sres.(api.SilencesData), p.dataLinks("/alerts/silences", sq, "silences", "changes")
	nres, nq, err := p.ask("/alerts/notifications")
	if err != nil {
		p.view.Content = v // the rest of the page stands; the notice names the parameter
		return err
	}
	v.Notifications, v.NotificationLinks = nres.(api.NotificationsData), p.dataLinks("/alerts/notifications", nq, "notifications")
	v.NotificationPages = p.notificationPages(nq, len(v.Notifications.Notifications), v.Notifications.Total)
	for _, sil := range v.Silences.Silences {
		for _, rule := range sil.Rules {
			// The latest end of the silences holding the rule back (the
			// format sorts as time does).
			if until := fmtWhen(sil.EndsAt); sil.Active && until > v.Muted[rule] {
				v.Muted[rule] = until
			}
		}
	}
	p.view.Content = v
	return nil
}

// notificationPages says which rows of the delivery log a page shows and
// links to its neighbours.
type notificationPages struct {
	First, Last, Total int // 1-based, inclusive; 0 when the page shows none
	Newer, Older       string
}

func (p *pageCtx) notificationPages(q map[string]string, shown, total int) notificationPages {
	limit, _ := strconv.Atoi(q[api.ParamLimit])
	offset, _ := strconv.Atoi(q[api.ParamOffset])
	np := notificationPages{Total: total}
	if shown > 0 {
		np.First, np.Last = offset+1, offset+shown
	}
	if offset > 0 {
		newer := ""
		if n := offset - limit; n > 0 {
			newer = strconv.Itoa(n)
		}
		np.Newer = p.with(api.ParamOffset, newer) + "#alert-notifications"
	}
	if offset+shown < total && shown > 0 {
		np.Older = p.with(api.ParamOffset, strconv.Itoa(offset+shown)) + "#alert-notifications"
	}
	return np
}

// alertFilters: the window of events and how many to list.
func (p *pageCtx) alertFilters(q map[string]string) {
	limit := field{Name: api.ParamLimit, Label: p.T("filter.limit"), Type: "select"}
	for _, n := range []string{"100", "500", "1000"} {
		limit.Options = append(limit.Options, option{Value: n, Label: n, Selected: q[api.ParamLimit] == n})
	}
	p.view.Filter = append([]field{
		{Name: api.ParamFrom, Label: p.T("filter.from"), Type: "text", Value: q[api.ParamFrom], Placeholder: "2012-06-01", Size: 20, Wide: true},
		{Name: api.ParamTo, Label: p.T("filter.to"), Type: "text", Value: q[api.ParamTo], Placeholder: "2012-07-01", Size: 20, Wide: true},
		limit,
	}, p.hiddenViewFields()...)
}

// alertRowsView is the alert-events table's input: the page's view (for
// its language) and the events.
type alertRowsView struct {
	V      *view
	Events []api.AlertEvent
}

// matcherText is a silence's matchers, for a notice.
func matcherText(sil alerting.Silence) string {
	ms := make([]string, len(sil.Matchers))
	for i, m := range sil.Matchers {
		ms[i] = m.String()
	}
	return strings.Join(ms, ", ")
}

// silenceForms mount the Alerts page's silence forms; the outcome is
// flashed on the page they redirect back to.
func (s *Site) silenceForms(r gin.IRoutes) {
	r.POST("/alerts/silences", s.guard.RequireAdmin, func(c *gin.Context) {
		sil, err := s.api.CreateSilence(c)
		lang := requestLang(c.Request, "")
		var ie *imscope.InvalidError
		switch {
		case errors.As(err, &ie):
			s.guard.Flash(c, "error", Translate(lang, "silences.not_created", ie.Error()))
		case err != nil:
			s.api.ActionFailed(c, err)
			return
		default:
			s.guard.Flash(c, "info", Translate(lang, "silences.created", matcherText(sil), fmtWhen(sil.EndsAt)))
		}
		c.Redirect(http.StatusSeeOther, "/alerts#silences")
	})
	r.POST("/alerts/silences/:id/expire", s.guard.RequireAdmin, func(c *gin.Context) {
		sil, err := s.api.ExpireSilence(c, c.Param("id"))
		lang := requestLang(c.Request, "")
		var ns *api.NoSuchError
		switch {
		case errors.As(err, &ns):
			s.guard.Flash(c, "warn", Translate(lang, "silences.gone"))
		case err != nil:
			s.api.ActionFailed(c, err)
			return
		default:
			s.guard.Flash(c, "info", Translate(lang, "silences.expired", matcherText(sil)))
		}
		c.Redirect(http.StatusSeeOther, "/alerts#silences")
	})
}
