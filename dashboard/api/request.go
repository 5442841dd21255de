package api

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/respond"
)

// request is one API request's query string on its way to a normalised
// form. Every parameter is read through the typed readers below, which
// reject bad values with an InvalidError naming the parameter and record
// the value actually used — parsed, defaulted and re-serialised — in canon.
// The cache key is built from canon alone, so `?networks=qq,msn` and
// `?networks=msn,qq`, or an absent `granularity` and `granularity=month`,
// are one question and share one cache entry.
type request struct {
	values url.Values
	canon  url.Values
	now    time.Time
}

// Shared parameters: every endpoint accepts and validates them, so a page
// can send its whole filter bar to each endpoint it calls; an endpoint that
// does not use one leaves it out of its cache key and its answer.
const (
	ParamFrom        = "from"
	ParamTo          = "to"
	ParamGranularity = "granularity"
	ParamMetric      = "metric"
	ParamSegment     = "segment"
	ParamNetworks    = "networks"
	ParamFormat      = "format"
	ParamTable       = "table"
)

var sharedParams = []string{ParamFrom, ParamTo, ParamGranularity, ParamMetric, ParamSegment, ParamNetworks, ParamFormat, ParamTable}

// Limits on list and text parameters: generous for real use, small enough
// that a hostile query cannot make a key or a query huge.
const (
	maxListItems = 64
	maxLabelLen  = 128
)

func newRequest(values url.Values, now time.Time) *request {
	return &request{values: values, canon: url.Values{}, now: now}
}

// ParseQuery parses a raw query string strictly: net/url's URL.Query drops
// a malformed pair without a word (?from=%zz would silently become "no
// from"), so each pair is decoded here and a bad one names its parameter.
func ParseQuery(raw string) (url.Values, error) {
	v := url.Values{}
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		k, val, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, invalid(respond.Clip(k), "the parameter name is not valid URL encoding")
		}
		if key == "" { // "=x": the pair as written is all there is to name
			return nil, invalid(respond.Clip(pair), "has no parameter name; write name=value")
		}
		if strings.Contains(pair, ";") {
			return nil, invalid(respond.Clip(key), "contains ';'; separate parameters with '&' and encode ';' as %3B")
		}
		value, err := url.QueryUnescape(val)
		if err != nil {
			return nil, invalid(respond.Clip(key), "the value is not valid URL encoding")
		}
		v.Add(key, value)
	}
	return v, nil
}

// check rejects parameters the endpoint does not take and parameters given
// twice: a typo (`metrc=messages`) must not silently answer another
// question.
func (q *request) check(allowed []string) error {
	names := make([]string, 0, len(q.values))
	for k := range q.values {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if !slices.Contains(allowed, k) {
			return invalid(respond.Clip(k), fmt.Sprintf("unknown parameter; this endpoint takes %s", strings.Join(allowed, ", ")))
		}
		if len(q.values[k]) > 1 {
			return invalid(respond.Clip(k), "given more than once")
		}
	}
	return nil
}

// raw returns a parameter's value, trimmed; "" when absent or empty (both
// mean "use the default").
func (q *request) raw(name string) string {
	return strings.TrimSpace(q.values.Get(name))
}

// set records the canonical value of a parameter the answer depends on.
func (q *request) set(name, value string) { q.canon.Set(name, value) }

// key is the canonical form of the question: the path and the canonical
// parameters in name order.
func (q *request) key(path string) string { return path + "?" + q.canon.Encode() }

// question is the key of what was asked, whatever the rendering: key
// without format and table.
func (q *request) question(path string) string {
	v := url.Values{}
	for k, vs := range q.canon {
		if k != ParamFormat && k != ParamTable {
			v[k] = vs
		}
	}
	return path + "?" + v.Encode()
}

// echo is the canonical parameters for the answer's "query" object (format
// and table are how it is rendered, not what was asked).
func (q *request) echo() map[string]string {
	out := make(map[string]string, len(q.canon))
	for k, v := range q.canon {
		if k != ParamFormat && k != ParamTable {
			out[k] = v[0]
		}
	}
	return out
}

var (
	yearRE    = regexp.MustCompile(`^\d{4}$`)
	quarterRE = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)
	monthRE   = regexp.MustCompile(`^\d{4}-\d{2}$`)
	dateRE    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// Times outside these years are refused: ClickHouse's DateTime64 ends in
// 2299 and nothing imscope measures predates 1970.
const (
	minYear = 1970
	maxYear = 2199
)

// ParseTime reads a range end: a date (2011-03-15), a month (2011-03), a
// quarter (2011-Q1), a year (2011), each meaning the first instant of that
// day or period in UTC, or an RFC 3339 time (2012-12-31T12:00:00Z) for
// ranges finer than a day (bridge traffic). Ranges are half-open [from,
// to): from=2011-01&to=2011-04 is January to March.
func ParseTime(param, s string) (time.Time, error) {
	var t time.Time
	var err error
	switch {
	case yearRE.MatchString(s):
		t, err = time.Parse("2006", s)
	case quarterRE.MatchString(s):
		m := quarterRE.FindStringSubmatch(s)
		y, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		t = time.Date(y, time.Month(3*n-2), 1, 0, 0, 0, 0, time.UTC)
	case monthRE.MatchString(s):
		t, err = time.Parse("2006-01", s)
	case dateRE.MatchString(s):
		t, err = time.Parse(time.DateOnly, s)
	case strings.ContainsAny(s, "Tt"):
		t, err = time.Parse(time.RFC3339Nano, s)
	default:
		err = fmt.Errorf("no format matches")
	}
	if err != nil {
		return time.Time{}, invalid(param, fmt.Sprintf("%s is not a date (YYYY-MM-DD), month (YYYY-MM), quarter (YYYY-Qn), year (YYYY) or RFC 3339 time", respond.Quote(s)))
	}
	t = t.UTC()
	if t.Year() < minYear || t.Year() > maxYear {
		return time.Time{}, invalid(param, fmt.Sprintf("%s is outside %d–%d", respond.Quote(s), minYear, maxYear))
	}
	return t, nil
}

// formatTime is the canonical spelling of a range end: a date when it is
// midnight UTC, RFC 3339 otherwise.
func formatTime(t time.Time) string {
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.UTC().Format(time.DateOnly)
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// parseLabel checks free text that names data (a segment, a network id):
// any printable text up to maxLabelLen bytes. Labels are data — they reach
// ClickHouse only as bound parameters — so quotes and angle brackets are
// fine; control characters are not.
func parseLabel(param, s string) (string, error) {
	switch {
	case !utf8.ValidString(s):
		return "", invalid(param, "is not valid UTF-8")
	case len(s) > maxLabelLen:
		return "", invalid(param, fmt.Sprintf("is longer than %d bytes", maxLabelLen))
	case strings.ContainsFunc(s, unicode.IsControl):
		return "", invalid(param, "contains control characters")
	}
	return s, nil
}

// parseList reads a comma-separated list of labels (network ids). Items are
// trimmed; an empty item, a repeated item or more than maxListItems items
// is an error. The result is sorted: every list parameter is a set.
func parseList(param, s string) ([]string, error) {
	items := strings.Split(s, ",")
	if len(items) > maxListItems {
		return nil, invalid(param, fmt.Sprintf("lists %d items; at most %d", len(items), maxListItems))
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(items))
	for i, it := range items {
		it = strings.TrimSpace(it)
		if it == "" {
			return nil, invalid(param, fmt.Sprintf("item %d is empty (write ids separated by commas: qq,msn)", i+1))
		}
		if _, err := parseLabel(param, it); err != nil {
			return nil, err
		}
		if seen[it] {
			return nil, invalid(param, fmt.Sprintf("%s is named twice", respond.Quote(it)))
		}
		seen[it] = true
		out = append(out, it)
	}
	slices.Sort(out)
	return out, nil
}

// parseInt reads an integer parameter in [lo, hi], def when absent, and
// records it.
func (q *request) parseInt(name string, lo, hi, def int) (int, error) {
	s := q.raw(name)
	n := def
	if s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			return 0, invalid(name, fmt.Sprintf("%s is not a whole number", respond.Quote(s)))
		}
		if v < lo || v > hi {
			return 0, invalid(name, fmt.Sprintf("%d is out of range %d–%d", v, lo, hi))
		}
		n = v
	}
	q.set(name, strconv.Itoa(n))
	return n, nil
}

// shared holds the shared filter parameters as given — validated but not
// yet defaulted, which depends on the endpoint (usage, panel or traffic
// time).
type shared struct {
	from, to    time.Time // zero when absent
	granularity imscope.Granularity
	metric      string
	segment     string
	networks    []string // nil for all
}

// parseShared validates every shared parameter, whether or not the
// endpoint uses it: a bad metric is a 400 everywhere.
func (q *request) parseShared() (shared, error) {
	var sh shared
	var err error
	if s := q.raw(ParamFrom); s != "" {
		if sh.from, err = ParseTime(ParamFrom, s); err != nil {
			return sh, err
		}
	}
	if s := q.raw(ParamTo); s != "" {
		if sh.to, err = ParseTime(ParamTo, s); err != nil {
			return sh, err
		}
	}
	if !sh.from.IsZero() && !sh.to.IsZero() && !sh.from.Before(sh.to) {
		return sh, invalid(ParamTo, fmt.Sprintf("to (%s) must be after from (%s): ranges are [from, to)", formatTime(sh.to), formatTime(sh.from)))
	}
	if s := q.raw(ParamGranularity); s != "" {
		if sh.granularity, err = imscope.ParseGranularity(s); err != nil {
			return sh, err
		}
	}
	if s := q.raw(ParamMetric); s != "" {
		if _, err = imscope.LookupMetric(s); err != nil {
			return sh, err
		}
		sh.metric = s
	}
	if sh.segment, err = parseLabel(ParamSegment, q.raw(ParamSegment)); err != nil {
		return sh, err
	}
	if s := q.raw(ParamNetworks); s != "" {
		if sh.networks, err = parseList(ParamNetworks, s); err != nil {
			return sh, err
		}
	}
	return sh, nil
}

// setNetworks records a network selection ("" for all).
func (q *request) setNetworks(networks []string) {
	q.set(ParamNetworks, strings.Join(networks, ","))
}
