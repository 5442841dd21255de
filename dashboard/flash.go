package dashboard

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// A flash is the outcome of an admin action from a page, shown once on the
// page the action redirects to. It travels in a short-lived cookie signed
// with the session key, so only this server can put words on its pages (a
// query parameter would let any link do so), and the address bar keeps a
// clean URL that a reload does not repeat.
const (
	cookieFlash  = "imscope_flash"
	flashMaxText = 600 // bytes of text; a cookie holds 4 KiB
)

// flash sets the notice the next page shows.
func (d *Dashboard) flash(c *gin.Context, kind, text string) {
	if len(text) > flashMaxText {
		i := flashMaxText
		for i > 0 && !utf8.RuneStart(text[i]) {
			i--
		}
		text = text[:i] + "…"
	}
	b, _ := json.Marshal(notice{Kind: kind, Text: text}) // strings: cannot fail
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(c.Writer, d.auth.cookie(cookieFlash, v+"."+d.auth.sign("flash\x00"+v), 60))
}

// takeFlash shows the flash, if there is a good one, and clears it.
func (p *pageCtx) takeFlash() {
	if p.c == nil { // a report's section
		return
	}
	ck, err := p.c.Request.Cookie(cookieFlash)
	if err != nil {
		return
	}
	http.SetCookie(p.c.Writer, p.d.auth.cookie(cookieFlash, "", -1))
	v, mac, ok := strings.Cut(ck.Value, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(p.d.auth.sign("flash\x00"+v))) {
		return
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	var n notice
	if err != nil || json.Unmarshal(b, &n) != nil || !slices.Contains([]string{"info", "warn", "error"}, n.Kind) {
		return
	}
	p.notice(n.Kind, n.Text)
}
