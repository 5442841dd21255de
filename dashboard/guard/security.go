package guard

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/respond"
)

// ctxNonce holds the request's CSP nonce.
const ctxNonce = "imscope.nonce"

// SecurityHeaders sets the headers every answer carries. Pages get a
// Content-Security-Policy that runs only scripts served by imscope itself
// (/static/) or carrying this request's nonce — no inline handler, no
// other host — and API answers one that runs nothing at all.
//
// Styles allow 'unsafe-inline' because ECharts styles its tooltips and
// canvases with style attributes; styles cannot run code.
//
// Framing is refused (frame-ancestors 'none', X-Frame-Options DENY) unless
// the embed mode lists the origins allowed to frame the pages.
func SecurityHeaders(frameAncestors []string) gin.HandlerFunc {
	frames := "'none'"
	if len(frameAncestors) > 0 {
		frames = strings.Join(frameAncestors, " ")
	}
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if len(frameAncestors) == 0 {
			h.Set("X-Frame-Options", "DENY")
		}
		if respond.IsAPI(c.Request.URL.Path) {
			h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
			c.Next()
			return
		}
		nonce := newNonce()
		c.Set(ctxNonce, nonce)
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self' 'nonce-"+nonce+"'; style-src 'self' 'unsafe-inline'; "+
			"img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors "+frames)
		c.Next()
	}
}

// newNonce is 128 random bits in hex (no character an attribute would
// escape): a fresh one per page, so a script injected into one page
// cannot borrow it.
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

// Nonce is the request's CSP nonce: a page's scripts must carry it.
func Nonce(c *gin.Context) string { return c.GetString(ctxNonce) }
