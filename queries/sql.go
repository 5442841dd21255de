package queries

import (
	"embed"
	"fmt"
	"io/fs"
)

// sqlFiles holds every statement imscope runs: schema migrations under
// sql/schema and one file per named query under sql.
//
//go:embed sql
var sqlFiles embed.FS

// Schema is the migrations directory, in the form Migrate takes.
func Schema() fs.FS {
	sub, err := fs.Sub(sqlFiles, "sql/schema")
	if err != nil {
		panic(err) // the directory is embedded; this cannot happen
	}
	return sub
}

// mustSQL returns the text of sql/name. It is called from package-level
// variables, so a missing file fails at start-up and in every test, not on
// the first request that needs it.
func mustSQL(name string) string {
	b, err := sqlFiles.ReadFile("sql/" + name)
	if err != nil {
		panic(fmt.Sprintf("queries: embedded SQL %s is missing: %v", name, err))
	}
	return string(b)
}
