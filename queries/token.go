package queries

import (
	"context"
	"regexp"
)

type insertTokenKey struct{}

// tokenRE is what an insert token may look like: it is written into the
// INSERT's SETTINGS clause, where ClickHouse takes no parameters.
var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,128}$`)

// WithInsertToken makes inserts started with ctx idempotent: ClickHouse
// remembers the token of each inserted block (insert_deduplication_token),
// so sending the same rows with the same token again — a retry after a crash
// or a timeout — stores nothing twice, in the table and in the rollups its
// materialized views feed. A token that is not [A-Za-z0-9_.:-]{1,128} is
// ignored (and inserts are then not deduplicated).
func WithInsertToken(ctx context.Context, token string) context.Context {
	if !tokenRE.MatchString(token) {
		return ctx
	}
	return context.WithValue(ctx, insertTokenKey{}, token)
}

// InsertToken returns the token set by WithInsertToken, or "".
func InsertToken(ctx context.Context) string {
	t, _ := ctx.Value(insertTokenKey{}).(string)
	return t
}
