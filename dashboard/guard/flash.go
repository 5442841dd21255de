package guard

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

// flashNotice is what a flash cookie carries.
type flashNotice struct {
	Kind, Text string // info, warn or error
}

// Flash sets the notice the next page shows.
func (g *Guard) Flash(c *gin.Context, kind, text string) {
	if len(text) > flashMaxText {
		i := flashMaxText
		for i > 0 && !utf8.RuneStart(text[i]) {
			i--
		}
		text = text[:i] + "…"
	}
	b, _ := json.Marshal(flashNotice{Kind: kind, Text: text}) // strings: cannot fail
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(c.Writer, g.auth.cookie(cookieFlash, v+"."+g.auth.sign("flash\x00"+v), 60))
}

// TakeFlash returns the flash, if there is a good one, and clears it.
func (g *Guard) TakeFlash(c *gin.Context) (kind, text string, ok bool) {
	ck, err := c.Request.Cookie(cookieFlash)
	if err != nil {
		return "", "", false
	}
	http.SetCookie(c.Writer, g.auth.cookie(cookieFlash, "", -1))
	v, mac, ok := strings.Cut(ck.Value, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(g.auth.sign("flash\x00"+v))) {
		return "", "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	var n flashNotice
	if err != nil || json.Unmarshal(b, &n) != nil || !slices.Contains([]string{"info", "warn", "error"}, n.Kind) {
		return "", "", false
	}
	return n.Kind, n.Text, true
}

// HasFlash reports whether a flash waits to be shown on the next page:
// that page is drawn for this reader alone.
func HasFlash(c *gin.Context) bool {
	_, err := c.Cookie(cookieFlash)
	return err == nil
}
