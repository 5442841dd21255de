package embedded

import (
	"fmt"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/rowbinary"
)

// rows decodes a RowBinaryWithNamesAndTypes result lazily.
type rows struct {
	r      *rowbinary.Reader
	names  []string
	types  []*rowbinary.Type
	typeNm []string
	cur    []any
	err    error
}

func newRows(data []byte) (*rows, error) {
	rs := &rows{r: rowbinary.NewReader(data)}
	if len(data) == 0 { // statements without a result set
		return rs, nil
	}
	names, types, err := rs.r.Header()
	if err != nil {
		return nil, fmt.Errorf("embedded engine: cannot read result header: %w", err)
	}
	rs.names, rs.types = names, types
	rs.typeNm = make([]string, len(types))
	for i, t := range types {
		rs.typeNm[i] = t.Name
	}
	rs.cur = make([]any, len(types))
	return rs, nil
}

func (rs *rows) Columns() []string     { return rs.names }
func (rs *rows) ColumnTypes() []string { return rs.typeNm }
func (rs *rows) Err() error            { return rs.err }
func (rs *rows) Close() error          { rs.r = rowbinary.NewReader(nil); return nil }

func (rs *rows) Next() bool {
	if rs.err != nil || rs.r.Done() {
		return false
	}
	for i, t := range rs.types {
		v, err := t.Decode(rs.r)
		if err != nil {
			rs.err = fmt.Errorf("embedded engine: cannot decode column %s (%s): %w", rs.names[i], t.Name, err)
			return false
		}
		rs.cur[i] = v
	}
	return true
}

func (rs *rows) Scan(dest ...any) error {
	if len(dest) != len(rs.cur) {
		return fmt.Errorf("scan: %d destinations for %d columns", len(dest), len(rs.cur))
	}
	for i, d := range dest {
		if err := queries.ScanValue(d, rs.cur[i]); err != nil {
			return fmt.Errorf("scan column %s: %w", rs.names[i], err)
		}
	}
	return nil
}

var _ queries.Rows = (*rows)(nil)
