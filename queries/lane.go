package queries

import "context"

// laneKey marks a context's statements as interactive or background.
type laneKey struct{}

// Interactive marks ctx's statements as a person waiting for them: a page
// or an API answer. An engine that runs one statement at a time (the
// embedded engine: libchdb has one connection per process) runs a waiting
// interactive statement before any waiting background one, so a load, an
// import or a panel rebuild never holds a reader behind all of its
// statements — only behind the one running. Statements are background
// unless marked: loaders need no change, and a reader that forgets the
// mark is merely as slow as before. An engine that runs statements
// concurrently (queries/server: a ClickHouse server) ignores the mark.
func Interactive(ctx context.Context) context.Context {
	return context.WithValue(ctx, laneKey{}, true)
}

// Background marks ctx's statements as background work again, for work a
// request starts that must not jump the queue for its whole length, such
// as rebuilding a derived table before answering (each of its statements
// then waits for the readers, as a load's do).
func Background(ctx context.Context) context.Context {
	if !IsInteractive(ctx) {
		return ctx
	}
	return context.WithValue(ctx, laneKey{}, false)
}

// IsInteractive reports whether ctx was marked by Interactive (and not
// marked back by Background).
func IsInteractive(ctx context.Context) bool {
	v, _ := ctx.Value(laneKey{}).(bool)
	return v
}
