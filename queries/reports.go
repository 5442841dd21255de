package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/imscope/imscope"
)

var sqlMarketReports = mustSQL("market_reports.sql")

// MarketReports returns the published shares for periods starting in [from, to).
func MarketReports(ctx context.Context, e Engine, from, to time.Time) ([]imscope.MarketReport, error) {
	rows, err := e.Query(ctx, sqlMarketReports, Named("from", from), Named("to", to))
	if err != nil {
		return nil, fmt.Errorf("cannot read market reports: %w", err)
	}
	defer rows.Close()
	var out []imscope.MarketReport
	for rows.Next() {
		var m imscope.MarketReport
		var bound string
		var note *string
		if err := rows.Scan(&m.Period, &m.PeriodStart, &m.Publisher, &m.Basis, &m.Network, &m.Share, &bound, &note); err != nil {
			return nil, fmt.Errorf("cannot read market reports: %w", err)
		}
		m.Bound = imscope.Bound(bound)
		if note != nil {
			m.Note = *note
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
