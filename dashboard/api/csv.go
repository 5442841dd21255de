package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// CSV answers. Every endpoint answers `?format=csv` with one flat table:
// UTF-8, RFC 4180 (encoding/csv: CRLF line ends, fields with commas,
// quotes or line breaks quoted), a header row of the column names declared
// for the table, then one row per record. An endpoint with several tables
// (switching cells, per-network figures, forecast) picks one with `table`;
// the first declared is the default. The numbers are the JSON answer's own
// values, formatted the same way (shortest round-trip decimal), so a
// spreadsheet and a chart never disagree.
//
// Text cells are data, never formulas: a cell that starts with = + - @ or a
// tab or carriage return would be evaluated by Excel, LibreOffice or Google
// Sheets (CSV injection), so it is written with a leading single quote
// ('=cmd|' /C calc'!A0 reads back as the original text with a quote in
// front). Only text cells are touched: numbers are numbers, negative ones
// included. Lists (networks folded into "other", coalition members) are
// joined with ";". Missing values (nil in JSON) are empty cells.

// Column is one declared CSV column: its name, its type as OpenAPI states
// it, and what it holds.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"` // string, number, integer, boolean, date, date-time
	Doc  string `json:"description"`
}

// Table is one CSV table an endpoint can answer.
type Table struct {
	Name    string   `json:"name"`
	Doc     string   `json:"description"`
	Columns []Column `json:"columns"`
}

// Day is a period start: a date in JSON and CSV (2011-04-01).
type Day time.Time

// String is the date, 2011-04-01.
func (d Day) String() string { return time.Time(d).UTC().Format(time.DateOnly) }

// MarshalJSON writes the date as a JSON string.
func (d Day) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// instant is a point in time, RFC 3339 in UTC with as many fractional
// digits as it has, in JSON and CSV alike.
func instant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// optTime is nil for the zero time ("never"), so JSON says null.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// formulaStart are the first characters that make a spreadsheet evaluate a
// cell (OWASP's list for CSV injection).
const formulaStart = "=+-@\t\r"

// neutralise makes a text cell safe to open in a spreadsheet.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// cell formats one value for CSV. An optional value (a pointer) is its
// value's cell, or empty when missing.
func cell(v any) string {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return ""
		}
		v = rv.Elem().Interface()
	}
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return neutralise(x)
	case []string:
		return neutralise(strings.Join(x, ";"))
	case float64:
		return formatFloat(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case Day:
		return x.String()
	case time.Time:
		return instant(x)
	}
	panic(fmt.Sprintf("api: no CSV format for %T", v)) // a programming error, caught by the tests
}

// formatFloat writes the shortest decimal that reads back as the same
// float64, as encoding/json does (without its exponent form, which
// spreadsheets may misread).
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// RenderCSV writes one table.
func RenderCSV(spec Table, rows [][]any) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	header := make([]string, len(spec.Columns))
	for i, c := range spec.Columns {
		header[i] = c.Name
	}
	if err := w.Write(header); err != nil {
		return nil, err
	}
	rec := make([]string, len(spec.Columns))
	for i, r := range rows {
		if len(r) != len(spec.Columns) {
			return nil, fmt.Errorf("csv table %s: row %d has %d cells for %d columns", spec.Name, i, len(r), len(spec.Columns))
		}
		for j, v := range r {
			rec[j] = cell(v)
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
