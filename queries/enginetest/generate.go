package enginetest

import (
	_ "embed"

	"context"
	"fmt"
	"time"

	"github.com/imscope/imscope/queries"
)

//go:embed sql/gen_usage.sql
var sqlGenUsage string

// Usage generation spans three years from 2010-01-01, the demo's history.
var (
	GenFrom = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	GenTo   = time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)
)

// GenerateUsage writes n usage rows inside ClickHouse (sql/gen_usage.sql):
// 200 series evenly over GenFrom–GenTo, for benchmarks that need 10 M or
// 100 M rows without sending them.
func GenerateUsage(ctx context.Context, e queries.Engine, n uint64) error {
	step := uint64(GenTo.Sub(GenFrom).Milliseconds()) / (n / 200)
	if err := e.Exec(ctx, sqlGenUsage, queries.Named("n", n), queries.Named("step_ms", step)); err != nil {
		return fmt.Errorf("cannot generate %d usage rows: %w", n, err)
	}
	return nil
}
