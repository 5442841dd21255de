package pages

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/text/language"
)

// Languages the pages and reports are written in. English is the
// fallback: a key missing from another catalog shows its English text (a
// test keeps the catalogs in step, so that is a bug, not a feature).
const (
	LangEN = "en"
	LangZH = "zh-CN"
)

// Languages lists them.
var Languages = []string{LangEN, LangZH}

//go:embed i18n/*.json
var catalogFiles embed.FS

// catalogs maps language → key → text. Texts are fmt formats: %s, %d,
// %v take the arguments in order.
var catalogs = mustCatalogs()

func mustCatalogs() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, l := range Languages {
		b, err := catalogFiles.ReadFile("i18n/" + l + ".json")
		if err != nil {
			panic(fmt.Sprintf("dashboard: catalog %s: %v", l, err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("dashboard: catalog %s: %v", l, err))
		}
		out[l] = m
	}
	return out
}

// HasText reports whether lang's catalog has a text for key (without
// falling back to English): the tests of every package that builds keys
// at run time check theirs with it.
func HasText(lang, key string) bool {
	_, ok := catalogs[lang][key]
	return ok
}

// Translate looks key up in lang's catalog, then English; an unknown key
// shows as itself so a missing text is visible, not blank.
func Translate(lang, key string, args ...any) string {
	s, ok := catalogs[lang][key]
	if !ok {
		if s, ok = catalogs[LangEN][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

var langMatcher = language.NewMatcher([]language.Tag{language.English, language.SimplifiedChinese})

// ParseLang reads a language choice (lang=, a cookie, Accept-Language):
// "zh", "zh-CN", "zh-Hans" are Simplified Chinese; anything else English.
// ok is false when s names neither.
func ParseLang(s string) (lang string, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en", "en-us", "en-gb":
		return LangEN, true
	case "zh", "zh-cn", "zh-hans", "zh-hans-cn", "zh-sg":
		return LangZH, true
	}
	return LangEN, false
}

// requestLang is the reader's language: the lang parameter, else the
// cookie a previous choice set, else the browser's Accept-Language.
func requestLang(r *http.Request, param string) string {
	if l, ok := ParseLang(param); ok {
		return l
	}
	if c, err := r.Cookie(cookieLang); err == nil {
		if l, ok := ParseLang(c.Value); ok {
			return l
		}
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return LangEN
	}
	_, i, conf := langMatcher.Match(tags...)
	if conf == language.No || i != 1 {
		return LangEN
	}
	return LangZH
}
