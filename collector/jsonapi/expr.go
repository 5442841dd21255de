package jsonapi

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// field is one configured mapping: where a row field's value comes from.
//
//	stats.dau   a path (see path); relative to the record unless it starts with $
//	=qq         a fixed value: everything after the "=" (=active_users_1d);
//	            ={host} is the item a request was made for (see Each)
//	@key        the record's member name (or array index) under the last [*]
type field struct {
	name    string // the config key, e.g. "value"
	literal string
	tmpl    *template // a fixed value with placeholders; nil when it has none
	isLit   bool
	isKey   bool
	path    path
}

// parseField parses the mapping of config key name; "" is "not mapped".
// A fixed value may hold placeholders of the variables vars.
func parseField(name, s string, vars []string) (*field, error) {
	switch {
	case s == "":
		return nil, nil
	case strings.HasPrefix(s, "="):
		f := &field{name: name, literal: s[1:], isLit: true}
		t, err := parseTemplate(f.literal, vars)
		if err != nil {
			return nil, invalid(name, err.Error())
		}
		if len(t.parts) > 1 || len(t.parts) == 1 && t.parts[0].isVar {
			f.tmpl = &t
		}
		return f, nil
	case s == "@key":
		return &field{name: name, isKey: true}, nil
	}
	p, err := parsePath(s, '@')
	if err != nil {
		return nil, invalid(name, err.Error())
	}
	if p.wild() {
		return nil, invalid(name, fmt.Sprintf("%q picks many values with [*]; a field takes one (put the [*] in records)", s))
	}
	return &field{name: name, path: p}, nil
}

// fieldError is a record's field that cannot be used; its message names the
// field and its path: `value (stats.dau): "n/a" is not a number`.
type fieldError struct {
	f   *field
	msg string
}

func (e *fieldError) Error() string {
	switch {
	case e.f.isKey:
		return e.f.name + " (@key): " + e.msg
	case e.f.isLit:
		return e.f.name + ": " + e.msg
	}
	return e.f.name + " (" + e.f.path.text + "): " + e.msg
}

// raw returns the field's JSON value for the record.
func (f *field) raw(doc any, rec record) (any, error) {
	switch {
	case f.isLit:
		return f.literal, nil
	case f.isKey:
		if rec.key == "" {
			return nil, &fieldError{f, "the record was not picked by [*], so it has no key"}
		}
		return rec.key, nil
	}
	v, err := f.path.get(doc, rec.value)
	if err != nil {
		return nil, &fieldError{f, err.Error()}
	}
	if v == nil {
		return nil, &fieldError{f, "null"}
	}
	return v, nil
}

// text reads the field as a label: a string, or a number's digits (numeric
// network ids are common).
func (f *field) text(doc any, rec record) (string, error) {
	v, err := f.raw(doc, rec)
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return "", &fieldError{f, "empty"}
		}
		return v, nil
	case json.Number:
		return v.String(), nil
	}
	return "", &fieldError{f, describe(v) + " is not text"}
}

// number reads the field as a finite, non-negative number: a JSON number or
// a string holding one ("12345", which some APIs send to keep precision).
func (f *field) number(doc any, rec record) (float64, error) {
	v, err := f.raw(doc, rec)
	if err != nil {
		return 0, err
	}
	var s string
	switch v := v.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = strings.TrimSpace(v)
	default:
		return 0, &fieldError{f, describe(v) + " is not a number"}
	}
	n, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsNaN(n) || math.IsInf(n, 0):
		return 0, &fieldError{f, quote(s) + " is not a number"}
	case n < 0:
		return 0, &fieldError{f, quote(s) + " is negative"}
	}
	return n, nil
}

// count reads the field as a whole number of messages or bytes. 1.2e3 is
// accepted (it is whole); 2.5 is not.
func (f *field) count(doc any, rec record) (uint64, error) {
	v, err := f.raw(doc, rec)
	if err != nil {
		return 0, err
	}
	var s string
	switch v := v.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = strings.TrimSpace(v)
	default:
		return 0, &fieldError{f, describe(v) + " is not a whole number"}
	}
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		return n, nil
	}
	n, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsNaN(n) || math.IsInf(n, 0):
		return 0, &fieldError{f, quote(s) + " is not a whole number"}
	case n < 0:
		return 0, &fieldError{f, quote(s) + " is negative"}
	case n != math.Trunc(n):
		return 0, &fieldError{f, quote(s) + " is not a whole number"}
	case n > 1<<53:
		return 0, &fieldError{f, quote(s) + " is too large to be exact; send it as an integer"}
	}
	return uint64(n), nil
}

// Time formats of the ts field.
const (
	TSAuto    = ""        // strings as RFC 3339 or dates, numbers as Unix seconds
	TSRFC3339 = "rfc3339" // strings only
	TSUnix    = "unix"    // seconds since 1970, number or numeric string
	TSUnixMS  = "unix_ms" // milliseconds since 1970
)

// ClickHouse's DateTime64 spans these years.
const minTSYear, maxTSYear = 1900, 2299

// time reads the field as a time in the configured format, in UTC and to
// the millisecond (what usage_samples keeps).
func (f *field) time(doc any, rec record, format string) (time.Time, error) {
	v, err := f.raw(doc, rec)
	if err != nil {
		return time.Time{}, err
	}
	var t time.Time
	num, isNum := v.(json.Number)
	str, isStr := v.(string)
	switch {
	case (format == TSUnix || format == TSUnixMS) && (isNum || isStr):
		s := strings.TrimSpace(str)
		if isNum {
			s = num.String()
		}
		if i, err := strconv.ParseInt(s, 10, 64); err == nil && i > -1e15 && i < 1e15 {
			// Whole numbers exactly: a float would round 1285833600123 ms.
			if format == TSUnixMS {
				t = time.UnixMilli(i)
			} else {
				t = time.Unix(i, 0)
			}
			break
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || math.Abs(n) > 1e15 {
			return time.Time{}, &fieldError{f, quote(s) + " is not a Unix time"}
		}
		if format == TSUnixMS {
			n /= 1000
		}
		sec, frac := math.Modf(n)
		t = time.Unix(int64(sec), int64(frac*1e9))
	case format == TSAuto && isNum:
		n, err := num.Float64()
		if err != nil || math.Abs(n) > 1e12 {
			return time.Time{}, &fieldError{f, num.String() + " is not a Unix time in seconds (set ts_format: unix_ms for milliseconds)"}
		}
		sec, frac := math.Modf(n)
		t = time.Unix(int64(sec), int64(frac*1e9))
	case (format == TSAuto || format == TSRFC3339) && isStr:
		s := strings.TrimSpace(str)
		t, err = time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t, err = time.Parse(time.DateOnly, s)
		}
		if err != nil {
			return time.Time{}, &fieldError{f, quote(s) + " is not an RFC 3339 time (2010-07-01T08:00:00Z) or a date (2010-07-01)"}
		}
	default:
		want := map[string]string{TSAuto: "a time", TSRFC3339: "an RFC 3339 time", TSUnix: "a Unix time", TSUnixMS: "a Unix time"}[format]
		return time.Time{}, &fieldError{f, describe(v) + " is not " + want}
	}
	t = t.UTC().Truncate(time.Millisecond)
	if y := t.Year(); y < minTSYear || y > maxTSYear {
		return time.Time{}, &fieldError{f, fmt.Sprintf("%s has a year outside %d to %d", t.Format(time.RFC3339), minTSYear, maxTSYear)}
	}
	return t, nil
}
