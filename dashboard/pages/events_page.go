package pages

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/api"
)

// The Events page: the market events the charts mark (a product war, a
// bridge opening, a publisher changing method), for everyone; the admin
// adds and deletes them here (or with `imscope import events`, or the
// API). Titles are text everywhere: the template escapes them, and the
// charts' script draws them as text.

// EventsView is the Events page.
type EventsView struct {
	Data   api.EventsData
	Links  []navLink
	CanAdd bool
}

// DeleteAction is where the delete form of event id posts.
func (EventsView) DeleteAction(id string) string {
	return "/events/" + url.PathEscape(id) + "/delete"
}

func (s *Site) buildEvents(p *pageCtx) error {
	p.takeFlash()
	v := EventsView{CanAdd: p.view.User != nil && p.view.User.Admin}
	res, q, err := p.ask("/events", api.ParamFrom, "", api.ParamTo, "", api.ParamNetworks, "")
	if err != nil {
		p.view.Content = v
		return err
	}
	v.Data, v.Links = res.(api.EventsData), p.dataLinks("/events", q, "events")
	p.view.Content = v
	return nil
}

// eventForms mount the Events page's add and delete forms (POSTs with the
// CSRF token, as every admin form of the pages); the outcome is flashed on
// the page they redirect back to.
func (s *Site) eventForms(r gin.IRoutes) {
	r.POST("/events", s.guard.RequireAdmin, func(c *gin.Context) {
		ev, err := s.api.CreateEvent(c)
		lang := requestLang(c.Request, "")
		var ie *imscope.InvalidError
		switch {
		case errors.As(err, &ie):
			s.guard.Flash(c, "error", Translate(lang, "events.not_added", ie.Error()))
		case err != nil:
			s.api.ActionFailed(c, err)
			return
		default:
			s.guard.Flash(c, "info", Translate(lang, "events.added", ev.Title, ev.Date))
		}
		c.Redirect(http.StatusSeeOther, "/events")
	})
	r.POST("/events/:id/delete", s.guard.RequireAdmin, func(c *gin.Context) {
		err := s.api.DeleteEvent(c, c.Param("id"))
		lang := requestLang(c.Request, "")
		var ns *api.NoSuchError
		switch {
		case errors.As(err, &ns):
			s.guard.Flash(c, "warn", Translate(lang, "events.gone"))
		case err != nil:
			s.api.ActionFailed(c, err)
			return
		default:
			s.guard.Flash(c, "info", Translate(lang, "events.deleted"))
		}
		c.Redirect(http.StatusSeeOther, "/events")
	})
}
