package embedded

import "github.com/imscope/imscope/queries"

// Queued is how many statements wait at e's gate, by lane.
func Queued(e queries.Engine) (interactive, background int) {
	g := e.(*Engine).c.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.waiting[interactiveLane]), len(g.waiting[backgroundLane])
}

// Busy reports whether a statement holds e's gate.
func Busy(e queries.Engine) bool {
	g := e.(*Engine).c.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.busy
}

// SetPace replaces the chunk sizing of e's inserts into table.
func SetPace(e queries.Engine, table string, p *queries.Pace) {
	en := e.(*Engine)
	en.pacesMu.Lock()
	defer en.pacesMu.Unlock()
	en.paces[table] = p
}

// Loads is how many chunks e has loaded.
func Loads(e queries.Engine) int64 { return e.(*Engine).loads.Load() }
