package pages

import (
	"context"
	"errors"
	"net/http"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/api"
)

// fail turns an error into a notice on the page and the status the page is
// served with. The status is the API's to decide (api.Failure, the one
// mapping), so a page never disagrees with its data links; the words are
// the page's: a bad parameter is the reader's to fix (400, named in the
// notice and left out of the page's links), an engine that is away is
// temporary (503), anything else is ours (500, logged with the request
// id). A page is drawn for every reader asking the same question (the page
// cache shares it), so no one reader's going away makes it a 499.
func (p *pageCtx) fail(err error) {
	f := p.site.api.Failure(err, api.Asker{Ctx: context.Background(), ID: p.reqID, Echoes: p.values, What: "page", Log: []any{"page", p.def.name}})
	var ie *imscope.InvalidError
	switch {
	case f.Status == http.StatusBadRequest && errors.As(err, &ie):
		msg := f.Message
		if ie.Param != "" {
			msg = f.Param + ": " + msg
			p.markInvalid(ie.Param)
		}
		p.notice("error", msg)
	case f.Status == http.StatusServiceUnavailable:
		p.notice("error", p.T("notice.engine_unavailable"))
	case f.Status == http.StatusInternalServerError:
		p.notice("error", p.T("notice.internal", p.reqID))
	default:
		p.notice("error", f.Message)
	}
	p.setStatus(f.Status)
}
