package cache

import (
	"context"
	"maps"
	"sync"
)

// reads is what a value was computed from: the epoch its fill began at,
// and for each data name it read the epoch it read it at (the earliest,
// when read more than once).
type reads struct {
	start uint64
	at    map[string]uint64
}

// recorder collects the reads of a fill in progress. A fill's context
// carries it, so that what the fill asks of other caches of the group —
// a page asking the API, an answer asking for a default — is counted as
// read by the fill too: nested answers need no declarations of their own.
type recorder struct {
	g  *Group
	mu sync.Mutex
	r  reads
}

type recorderKey struct{}

func newRecorder(g *Group) *recorder {
	return &recorder{g: g, r: reads{start: g.now(), at: map[string]uint64{}}}
}

// with returns ctx carrying rec, for the fill rec records.
func (rec *recorder) with(ctx context.Context) context.Context {
	return context.WithValue(ctx, recorderKey{}, rec)
}

// Reads says that the fill running under ctx reads the named data: its
// value is outdated as soon as any of it changes (Group.Changed). Call it
// before reading, so that a change landing meanwhile is not missed.
// Outside a fill it does nothing.
func Reads(ctx context.Context, names ...string) {
	rec, _ := ctx.Value(recorderKey{}).(*recorder)
	if rec == nil || len(names) == 0 {
		return
	}
	at := rec.g.now()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, n := range names {
		if old, ok := rec.r.at[n]; !ok || at < old {
			rec.r.at[n] = at
		}
	}
}

// inFill reports whether ctx is a fill's.
func inFill(ctx context.Context) bool {
	_, ok := ctx.Value(recorderKey{}).(*recorder)
	return ok
}

// note counts a value served from the cache as read by the fill running
// under ctx, if any: the value's reads become the fill's.
func note(ctx context.Context, r reads) {
	rec, _ := ctx.Value(recorderKey{}).(*recorder)
	if rec == nil || len(r.at) == 0 {
		return
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for n, at := range r.at {
		if old, ok := rec.r.at[n]; !ok || at < old {
			rec.r.at[n] = at
		}
	}
}

// snapshot is what the fill read so far.
func (rec *recorder) snapshot() reads {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return reads{start: rec.r.start, at: maps.Clone(rec.r.at)}
}
