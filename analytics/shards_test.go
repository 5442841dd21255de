package analytics_test

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

// TestPerUserQuestionsAcrossShards: on a cluster, panel rows are sharded by
// user key (the Distributed panel_activity's key is user_key), so each
// shard derives its users' primary networks and network sets from its own
// rows alone, and only per-period counts travel to be added up. Two
// databases stand for two shards of equal weight, each holding the rows
// that sharding puts there (user_key % 2); the switching and multi-homing
// counts computed on each and added are exactly the counts one node gives
// for the whole panel.
func TestPerUserQuestionsAcrossShards(t *testing.T) {
	ctx := context.Background()
	records := panel()
	one := enginetest.Migrated(t, dataDir, "shards_one")
	shards := []queries.Engine{enginetest.Migrated(t, dataDir, "shards_s0"), enginetest.Migrated(t, dataDir, "shards_s1")}
	parts := make([][]imscope.PanelRecord, len(shards))
	for _, r := range records {
		parts[r.UserKey%2] = append(parts[r.UserKey%2], r)
	}
	if err := queries.InsertPanel(ctx, one, records); err != nil {
		t.Fatal(err)
	}
	for i, s := range shards {
		if len(parts[i]) == 0 {
			t.Fatalf("shard %d holds no rows: the panel does not exercise both", i)
		}
		if err := queries.InsertPanel(ctx, s, parts[i]); err != nil {
			t.Fatal(err)
		}
	}
	for _, seg := range []string{"", "office"} {
		for _, pair := range [][2]time.Time{{q1, q2}, {q2, q3}} {
			want := transitionCounts(t, one, pair, seg)
			got := map[string]uint64{}
			for _, s := range shards {
				addCounts(got, transitionCounts(t, s, pair, seg))
			}
			if !maps.Equal(got, want) || len(want) == 0 {
				t.Errorf("segment %q, %s→%s: shards added\n%v\none node\n%v", seg, pair[0].Format(time.DateOnly), pair[1].Format(time.DateOnly), got, want)
			}
		}
		for _, p := range []time.Time{q1, q2, q3} {
			want := signatureCounts(t, one, p, seg)
			got := map[string]uint64{}
			for _, s := range shards {
				addCounts(got, signatureCounts(t, s, p, seg))
			}
			if !maps.Equal(got, want) || len(want) == 0 {
				t.Errorf("segment %q, %s: signatures added\n%v\none node\n%v", seg, p.Format(time.DateOnly), got, want)
			}
		}
	}
}

func transitionCounts(t *testing.T, e queries.Engine, pair [2]time.Time, seg string) map[string]uint64 {
	t.Helper()
	rows, err := queries.PanelTransitions(context.Background(), e, pair[0], pair[1], seg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]uint64{}
	for _, r := range rows {
		out[r.From+"→"+r.To] += r.Users
	}
	return out
}

func signatureCounts(t *testing.T, e queries.Engine, period time.Time, seg string) map[string]uint64 {
	t.Helper()
	rows, err := queries.PanelSignatures(context.Background(), e, period, seg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]uint64{}
	for _, r := range rows {
		out[strings.Join(r.Networks, "+")] += r.Users
	}
	return out
}

func addCounts(into, from map[string]uint64) {
	for k, v := range from {
		into[k] += v
	}
}
