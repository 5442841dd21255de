package pages

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/respond"
)

// render executes the page inside the layout and writes it.
func (p *pageCtx) render(t *template.Template) {
	body, err := p.html(t)
	p.write(&renderedPage{body: body, status: p.status}, err)
}

// html executes the page inside the layout.
func (p *pageCtx) html(t *template.Template) ([]byte, error) {
	p.scrub()
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p.view); err != nil {
		return nil, fmt.Errorf("cannot render page %s: %w", p.def.name, err)
	}
	return buf.Bytes(), nil
}

// write sends a drawn page, or the error that kept it from being drawn.
func (p *pageCtx) write(rp *renderedPage, err error) {
	if err != nil {
		p.site.log.Error("cannot render page", "request_id", p.reqID, "page", p.def.name, "err", err)
		p.c.String(http.StatusInternalServerError, "500 internal error; quote request id %s\n", p.reqID)
		return
	}
	writePage(p.c, rp.status, rp.body)
}

// writePage sends an HTML page, gzip-compressed when accepted.
func writePage(c *gin.Context, status int, body []byte) {
	h := c.Writer.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Accept-Encoding, Cookie")
	if len(body) >= respond.MinGzip && respond.AcceptsGzip(c.GetHeader("Accept-Encoding")) {
		body = respond.Gzip(body, gzip.BestSpeed) // per request: speed over ratio
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(status)
	if c.Request.Method != http.MethodHead {
		_, _ = c.Writer.Write(body)
	}
}
