package pages

import (
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/guard"
)

// ShowLogin draws the sign-in form (guard.ShowLogin): the guard decides
// what it says, the pages draw it in the layout.
func (s *Site) ShowLogin(c *gin.Context, form guard.LoginForm, status int) {
	// The form needs none of the query but its view (next is read
	// already): the rest is not carried into the header's links.
	p, _ := s.newPage(onlyView(c), s.login)
	if p == nil { // a non-canonical query
		p, _ = s.newPage(withoutQuery(c), s.login)
	}
	p.view.Content = form
	p.status = status
	p.render(s.login.tmpl)
}

// onlyView is c with its query cut to the view parameters (language,
// theme, embedding).
func onlyView(c *gin.Context) *gin.Context {
	q := c.Request.URL.Query()
	keep := url.Values{}
	for _, k := range []string{pLang, pTheme, pEmbed} {
		if v, ok := q[k]; ok {
			keep[k] = v
		}
	}
	withoutQuery(c)
	c.Request.URL.RawQuery = keep.Encode()
	return c
}

// withoutQuery is c with its query string dropped.
func withoutQuery(c *gin.Context) *gin.Context {
	u := *c.Request.URL
	u.RawQuery = ""
	r := c.Request.Clone(c.Request.Context())
	r.URL = &u
	c.Request = r
	return c
}
