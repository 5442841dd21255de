package respond

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxEchoRunes is how much of a value from the request an answer quotes
// back. Messages name what was wrong so the reader can fix it, and 100
// characters are enough to recognise a value; quoting it whole would let
// a request multiply its own size in the answer (a 900 KB parameter made
// a 14 MB page).
const MaxEchoRunes = 100

// Clip shortens s to MaxEchoRunes characters, marking the cut with "…".
func Clip(s string) string {
	if utf8.RuneCountInString(s) <= MaxEchoRunes {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxEchoRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Quote is a value from the request, clipped and quoted for a message.
func Quote(s string) string { return strconv.Quote(Clip(s)) }

// ClipEchoes replaces each long value of the request quoted whole in msg
// by its clipped form: messages of the analytics and the domain types
// quote what they were given, and that must not come back whole either.
func ClipEchoes(msg string, values url.Values) string {
	for k, vs := range values {
		for _, v := range append([]string{k}, vs...) {
			if utf8.RuneCountInString(v) > MaxEchoRunes {
				msg = strings.ReplaceAll(msg, strconv.Quote(v), Quote(v))
				msg = strings.ReplaceAll(msg, v, Clip(v))
			}
		}
	}
	return msg
}
