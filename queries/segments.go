package queries

import (
	"context"
	"fmt"
)

var sqlSegments = mustSQL("segments.sql")

// Segments lists the segments in usage and panel data, sorted.
func Segments(ctx context.Context, e Engine) ([]string, error) {
	rows, err := e.Query(ctx, sqlSegments)
	if err != nil {
		return nil, fmt.Errorf("cannot list segments: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("cannot list segments: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
