package pages

import (
	"fmt"
	"html/template"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/imscope/imscope/dashboard/api"
)

// Number formats for tables and tiles; the charts format the same way in
// the page script (static/imscope.js), so a tooltip and a table agree.

var templateFuncs = template.FuncMap{
	"pct":         FormatPct,
	"pp":          fmtPoints,
	"ppClass":     PointsClass,
	"num":         FormatNum,
	"count":       FormatCount,
	"ratio":       FormatRatio,
	"us":          fmtMicros,
	"rate":        fmtRate,
	"when":        fmtWhen,
	"day":         fmtDay,
	"secs":        fmtSeconds,
	"deref":       deref,
	"bandClass":   bandClass,
	"statusClass": statusClass,
	"alertRows":   func(v *view, ev []api.AlertEvent) alertRowsView { return alertRowsView{V: v, Events: ev} },
	"healthClass": healthClass,
	"emptyOf": func(v *view, titleKey, hintKey string) emptyState {
		return emptyState{Title: v.T(titleKey), Hint: v.T(hintKey)}
	},
}

// numeric is what the formatters accept: a number or a pointer to one (a
// nil pointer is missing, shown as "–").
func numeric(v any) (float64, bool) {
	if reflect.ValueOf(v).Kind() == reflect.Pointer {
		v = deref(v)
	}
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

const missing = "–"

// FormatPct is a percentage with one decimal.
func FormatPct(v any) string {
	f, ok := numeric(v)
	if !ok {
		return missing
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + "%"
}

// PP is a change in percentage points, signed, with the unit in the
// reader's language ("+1.25 pp", "+1.25 个百分点").
func (v *view) PP(x any) string {
	s := fmtPoints(x)
	if s == missing {
		return s
	}
	return strings.TrimSuffix(s, " pp") + v.T("unit.pp")
}

// EngineName is the engine's kind in the reader's language.
func (v *view) EngineName() string {
	if s := v.T("engine." + v.Engine); s != "engine."+v.Engine {
		return s
	}
	return v.Engine
}

// fmtPoints is a change in percentage points, signed.
func fmtPoints(v any) string {
	f, ok := numeric(v)
	if !ok {
		return missing
	}
	if math.Abs(f) < 0.005 {
		f = 0 // no "-0.00"
	}
	s := strconv.FormatFloat(f, 'f', 2, 64)
	if f > 0 {
		s = "+" + s
	}
	return s + " pp"
}

// PointsClass is "up", "down" or "" for a change, for its colour.
func PointsClass(v any) string {
	f, ok := numeric(v)
	switch {
	case !ok || math.Abs(f) < 0.005:
		return ""
	case f > 0:
		return "up"
	default:
		return "down"
	}
}

// FormatNum is a whole number with thousands separators.
func FormatNum(v any) string {
	f, ok := numeric(v)
	if !ok {
		return missing
	}
	neg := f < 0
	s := strconv.FormatFloat(math.Abs(math.Round(f)), 'f', 0, 64)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "−" + b.String()
	}
	return b.String()
}

// FormatCount is a large number, short: 12.4M, 3.1k.
func FormatCount(v any) string {
	f, ok := numeric(v)
	if !ok {
		return missing
	}
	a := math.Abs(f)
	switch {
	case a >= 1e9:
		return strconv.FormatFloat(f/1e9, 'f', 1, 64) + "B"
	case a >= 1e6:
		return strconv.FormatFloat(f/1e6, 'f', 1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(f/1e3, 'f', 1, 64) + "k"
	}
	return FormatNum(f)
}

// FormatRatio is a fraction as a percentage with two decimals (failure
// ratios are small).
func FormatRatio(v any) string {
	f, ok := numeric(v)
	if !ok {
		return missing
	}
	return strconv.FormatFloat(f*100, 'f', 2, 64) + "%"
}

// fmtMicros is a latency given in microseconds.
func fmtMicros(v any) string {
	f, ok := numeric(v)
	if !ok {
		return missing
	}
	switch {
	case f >= 100_000:
		return strconv.FormatFloat(f/1000, 'f', 0, 64) + " ms"
	case f >= 1000:
		return strconv.FormatFloat(f/1000, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(f, 'f', 0, 64) + " µs"
}

func fmtRate(v any) string {
	f, ok := numeric(v)
	if !ok {
		return missing
	}
	if f < 10 {
		return strconv.FormatFloat(f, 'f', 2, 64) + "/s"
	}
	return FormatNum(f) + "/s"
}

// fmtWhen is a time in UTC to the minute; zero and nil are missing.
func fmtWhen(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return missing
		}
		t = *x
	}
	if t.IsZero() {
		return missing
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func fmtDay(v any) string {
	switch x := v.(type) {
	case api.Day:
		return x.String()
	case *api.Day:
		if x == nil {
			return missing
		}
		return x.String()
	case time.Time:
		return x.Format(time.DateOnly)
	}
	return fmt.Sprint(v)
}

// fmtSeconds is a duration in seconds, readable.
func fmtSeconds(v any) string {
	f, ok := numeric(v)
	if !ok {
		return missing
	}
	d := time.Duration(f * float64(time.Second))
	switch {
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
	}
	return d.Round(time.Second).String()
}

// deref is what an optional value of an answer (a pointer) holds, nil
// when it is missing.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil
	}
	return rv.Elem().Interface()
}

// statusClass colours a collector run's status.
func statusClass(s string) string {
	switch s {
	case "ok":
		return "good"
	case "partial":
		return "warn"
	}
	return "bad"
}
