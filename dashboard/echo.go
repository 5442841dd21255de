package dashboard

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxEchoRunes is how much of a value from the request an answer quotes
// back. Messages name what was wrong so the reader can fix it, and 100
// characters are enough to recognise a value; quoting it whole would let
// a request multiply its own size in the answer (a 900 KB parameter made
// a 14 MB page).
const maxEchoRunes = 100

// clip shortens s to maxEchoRunes characters, marking the cut with "…".
func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxEchoRunes {
		return s
	}
	n := 0
	for i := range s {
		if n == maxEchoRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// quote is a value from the request, clipped and quoted for a message.
func quote(s string) string { return strconv.Quote(clip(s)) }

// clipEchoes replaces each long value of the request quoted whole in msg
// by its clipped form: messages of the analytics and the domain types
// quote what they were given, and that must not come back whole either.
func clipEchoes(msg string, values url.Values) string {
	for k, vs := range values {
		for _, v := range append([]string{k}, vs...) {
			if utf8.RuneCountInString(v) > maxEchoRunes {
				msg = strings.ReplaceAll(msg, strconv.Quote(v), quote(v))
				msg = strings.ReplaceAll(msg, v, clip(v))
			}
		}
	}
	return msg
}
