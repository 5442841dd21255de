package embedded

import _ "embed"

// sqlTableColumns lists a table's insertable columns and their types.
//
//go:embed sql/table_columns.sql
var sqlTableColumns string
