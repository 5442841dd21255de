package queries

import (
	"context"
	"fmt"
)

var sqlTableColumns = mustSQL("table_columns.sql")

// TableColumn is one column of a table, with its ClickHouse type as
// ClickHouse spells it.
type TableColumn struct {
	Name, Type string
}

// InsertableColumns lists the columns of db.table that an INSERT without a
// column list fills, in table order. Engines call it on themselves to learn
// what a batch writes; a table without such columns does not exist.
func InsertableColumns(ctx context.Context, e Engine, db, table string) ([]TableColumn, error) {
	rows, err := e.Query(ctx, sqlTableColumns, Named("db", db), Named("table", table))
	if err != nil {
		return nil, fmt.Errorf("cannot read columns of %s: %w", table, err)
	}
	defer rows.Close()
	var out []TableColumn
	for rows.Next() {
		var c TableColumn
		if err := rows.Scan(&c.Name, &c.Type); err != nil {
			return nil, fmt.Errorf("cannot read columns of %s: %w", table, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cannot read columns of %s: %w", table, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("cannot insert into %s.%s: no such table", db, table)
	}
	return out, nil
}
