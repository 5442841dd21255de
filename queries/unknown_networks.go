package queries

import (
	"context"
	"fmt"
)

var sqlUnknownNetworks = mustSQL("unknown_networks.sql")

// UnknownNetwork is a network id found in the stored data but not in the
// catalog, with the rows that name it: usage samples, panel rows,
// published shares, and bridge rows with it at either end.
type UnknownNetwork struct {
	Network string
	Rows    uint64
}

// UnknownNetworks lists the network ids the stored data names outside
// known (the catalog's ids), most rows first. Rows naming such ids are
// stored as given (imscope.Network); this is how they stay visible after
// the run that loaded them. An empty known is no catalog: nothing is
// unknown. It scans the tables' network columns: about 20 ms on the demo
// market's 4.5 M rows once warm (BENCHMARKS.md).
func UnknownNetworks(ctx context.Context, e Engine, known []string) ([]UnknownNetwork, error) {
	if len(known) == 0 {
		return nil, nil
	}
	rows, err := e.Query(ctx, sqlUnknownNetworks, Named("known", known))
	if err != nil {
		return nil, fmt.Errorf("cannot list unknown networks: %w", err)
	}
	defer rows.Close()
	var out []UnknownNetwork
	for rows.Next() {
		var u UnknownNetwork
		if err := rows.Scan(&u.Network, &u.Rows); err != nil {
			return nil, fmt.Errorf("cannot list unknown networks: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cannot list unknown networks: %w", err)
	}
	return out, nil
}
