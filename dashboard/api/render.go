package api

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/imscope/imscope/dashboard/respond"
)

// Output formats.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
)

// output reads `format` (json, the default, or csv) and, for CSV, `table`.
func (q *request) output(ep *Endpoint) (string, Table, error) {
	format := q.raw(ParamFormat)
	if format == "" {
		format = FormatJSON
	}
	t := q.raw(ParamTable)
	switch format {
	case FormatJSON:
		if t != "" {
			return "", Table{}, invalid(ParamTable, "chooses a CSV table; it applies with format=csv only")
		}
		q.set(ParamFormat, format)
		return format, Table{}, nil
	case FormatCSV:
	default:
		return "", Table{}, invalid(ParamFormat, fmt.Sprintf("%s is not json or csv", respond.Quote(format)))
	}
	names := make([]string, len(ep.Tables))
	for i, ts := range ep.Tables {
		names[i] = ts.Name
	}
	i := 0
	if t != "" {
		if i = slices.Index(names, t); i < 0 {
			return "", Table{}, invalid(ParamTable, fmt.Sprintf("%s is not a table of this endpoint; one of %s", respond.Quote(t), strings.Join(names, ", ")))
		}
	}
	q.set(ParamFormat, format)
	q.set(ParamTable, names[i])
	return format, ep.Tables[i], nil
}

// render turns a result into the bytes the cache keeps.
func (a *API) render(ep *Endpoint, q *request, format string, table Table, res Result) (*response, error) {
	if format == FormatCSV {
		body, err := RenderCSV(table, res.Rows(table.Name))
		if err != nil {
			return nil, err
		}
		name := "imscope-" + strings.ReplaceAll(strings.Trim(ep.Path, "/"), "/", "-") + "-" + table.Name + ".csv"
		return &response{body: body, contentType: "text/csv; charset=utf-8; header=present", filename: name}, nil
	}
	// encoding/json escapes <, > and & in strings, so an answer is safe to
	// embed in a page's <script> as it is.
	body, err := json.Marshal(envelope{Query: q.echo(), Data: res})
	if err != nil {
		return nil, fmt.Errorf("cannot encode %s: %w", ep.Path, err)
	}
	return &response{body: append(body, '\n'), contentType: "application/json; charset=utf-8"}, nil
}
