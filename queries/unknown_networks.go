package queries

import (
	"context"
	"fmt"
	"time"
)

var sqlUnknownNetworks = mustSQL("unknown_networks.sql")

// MaxUnknownNetworkSources bounds the sources listed per unknown network:
// enough to tell which collectors to fix, few enough that a page listing
// every unknown id stays short whatever the data holds.
const MaxUnknownNetworkSources = 20

// UnknownNetwork is a network id found in the stored data but not in the
// catalog (nor mapped onto it by an alias on ingest), with the rows that
// name it: usage samples, panel rows, published shares, and bridge rows
// with it at either end.
type UnknownNetwork struct {
	Network string
	Rows    uint64
	// FirstSeen and LastSeen are when rows naming it were first and last
	// stored (rows stored before migration 028: their own timestamps).
	FirstSeen, LastSeen time.Time
	// Sources are the rows' source labels — the collectors' names, a CSV
	// import's label, "publisher:NAME" for published shares — sorted, at
	// most MaxUnknownNetworkSources.
	Sources []string
}

// UnknownNetworks lists the network ids the stored data names outside
// known (the catalog's ids), most rows first. Rows naming such ids are
// stored as given (imscope.Network); this is how they stay visible after
// the run that loaded them. An empty known is no catalog: nothing is
// unknown. It reads the small network_seen table the ingest keeps
// (migration 028) and the published shares, not the measurements.
func UnknownNetworks(ctx context.Context, e Engine, known []string) ([]UnknownNetwork, error) {
	if len(known) == 0 {
		return nil, nil
	}
	rows, err := e.Query(ctx, sqlUnknownNetworks, Named("known", known), Named("max_sources", uint32(MaxUnknownNetworkSources)))
	if err != nil {
		return nil, fmt.Errorf("cannot list unknown networks: %w", err)
	}
	defer rows.Close()
	var out []UnknownNetwork
	for rows.Next() {
		var u UnknownNetwork
		if err := rows.Scan(&u.Network, &u.Rows, &u.FirstSeen, &u.LastSeen, &u.Sources); err != nil {
			return nil, fmt.Errorf("cannot list unknown networks: %w", err)
		}
		u.FirstSeen, u.LastSeen = u.FirstSeen.UTC(), u.LastSeen.UTC()
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cannot list unknown networks: %w", err)
	}
	return out, nil
}
