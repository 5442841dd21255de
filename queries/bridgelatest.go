package queries

import (
	"context"
	"fmt"
	"time"
)

var sqlBridgeLatest = mustSQL("bridge_latest.sql")

// LatestBridgeTraffic is the start of the latest interval source stored
// traffic for; the zero time when there is none.
func LatestBridgeTraffic(ctx context.Context, e Engine, source string) (time.Time, error) {
	rows, err := e.Query(ctx, sqlBridgeLatest, Named("source", source))
	if err != nil {
		return time.Time{}, fmt.Errorf("cannot read the latest bridge traffic of %s: %w", source, err)
	}
	defer rows.Close()
	var t time.Time
	for rows.Next() {
		if err := rows.Scan(&t); err != nil {
			return time.Time{}, fmt.Errorf("cannot read the latest bridge traffic of %s: %w", source, err)
		}
	}
	if t.Unix() <= 0 {
		return time.Time{}, rows.Err()
	}
	return t.UTC(), rows.Err()
}
