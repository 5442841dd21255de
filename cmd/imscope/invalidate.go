package main

import (
	"context"
	"sync/atomic"

	"github.com/imscope/imscope/queries"
)

// landings tells the dashboard which tables rows landed in, so that its
// cached answers that read them are dropped at once (dashboard.Invalidate).
// The writer and the engine are made before the dashboard, so the target is
// set late (serve sets it once the dashboard exists); until then, and in
// commands that serve nothing, nothing is cached and landings go nowhere.
type landings struct {
	to atomic.Pointer[func(tables ...string)]
}

// Landed passes on that rows landed in tables.
func (l *landings) Landed(tables ...string) {
	if f := l.to.Load(); f != nil {
		(*f)(tables...)
	}
}

// tell sends landings to f from now on.
func (l *landings) tell(f func(tables ...string)) { l.to.Store(&f) }

// watchInserts wraps e so that every insert it sends tells l its table:
// the bookkeeping rows written beside the collected ones — collector runs,
// alert transitions, notifications sent, silences, report runs — land
// through Insert, and this is the one door they share. (The collected rows
// are staged and copied by the writer, which tells l itself: OnStored.)
func watchInserts(e queries.Engine, l *landings) queries.Engine {
	return insertWatcher{Engine: e, l: l}
}

type insertWatcher struct {
	queries.Engine
	l *landings
}

func (w insertWatcher) Insert(ctx context.Context, table string, columns ...string) (queries.Batch, error) {
	b, err := w.Engine.Insert(ctx, table, columns...)
	if err != nil {
		return nil, err
	}
	return watchedBatch{Batch: b, table: table, l: w.l}, nil
}

type watchedBatch struct {
	queries.Batch
	table string
	l     *landings
}

func (b watchedBatch) Send() error {
	if err := b.Batch.Send(); err != nil {
		return err
	}
	b.l.Landed(b.table)
	return nil
}
