package pages

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/api"
)

// The Collectors page, with "run now" for the admin.

// CollectorsView is the Collectors page.
type CollectorsView struct {
	Data   api.CollectorsData
	CanRun bool
	Ran    string
	Links  []navLink
}

func (s *Site) buildCollectors(p *pageCtx) error {
	v := CollectorsView{CanRun: s.api.CanRunCollectors() && p.view.User != nil && p.view.User.Admin, Ran: p.values.Get("ran")}
	res, q, err := p.ask("/collectors")
	if err != nil {
		p.view.Content = v
		return err
	}
	v.Data, v.Links = res.(api.CollectorsData), p.dataLinks("/collectors", q, "collectors", "spool")
	p.view.Content = v
	if v.Ran != "" {
		for _, c := range v.Data.Collectors {
			if c.Name == v.Ran {
				kind := "info"
				if c.Status == "error" {
					kind = "error"
				}
				p.notice(kind, p.T("collectors.ran", c.Name, p.T("status."+c.Status), FormatNum(c.Stored), FormatNum(c.Rows)))
			}
		}
	}
	return nil
}

// collectorForms mount the admin's "run now": a POST form with the CSRF
// token (every admin form of the pages is), redirecting back to the page
// with the outcome.
func (s *Site) collectorForms(r gin.IRoutes) {
	r.POST("/collectors/:name/run", s.guard.RequireAdmin, func(c *gin.Context) {
		name := c.Param("name")
		if _, err := s.api.RunCollector(c, name); err != nil {
			s.api.ActionFailed(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/collectors?ran="+url.QueryEscape(name))
	})
}
