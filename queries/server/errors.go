package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/imscope/imscope/queries"
)

// serverError turns a driver error into the engine's: an exception raised by
// ClickHouse becomes a *queries.Error carrying the server's code and text, in
// the "Code: N. DB::Exception: ..." form the embedded engine reports, and a
// failure caused by ctx ending says so (errors.Is(err, context.DeadlineExceeded)
// holds) instead of surfacing as a closed-connection error.
func serverError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		name := ex.Name
		if name == "" {
			name = "DB::Exception"
		}
		return &queries.Error{Code: int(ex.Code), Message: fmt.Sprintf("Code: %d. %s: %s", ex.Code, name, ex.Message)}
	}
	ctxErr := ctx.Err()
	if d, ok := ctx.Deadline(); ctxErr == nil && ok && !time.Now().Before(d) {
		// clickhouse-go also sets the deadline on the socket, whose
		// "i/o timeout" may come back just before the context's timer fires.
		ctxErr = context.DeadlineExceeded
	}
	if ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("%w (%v)", ctxErr, err)
	}
	return err
}
