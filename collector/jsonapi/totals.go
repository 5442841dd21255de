package jsonapi

// totals remembers the last running total of each series, for Cumulative
// sources. Totals seen in a fetch are pending until its rows are handed on:
// if that fails, the next fetch computes its increases from the older
// totals, so nothing is lost.
type totals[T uint64 | float64] struct {
	last, pending map[string]T
}

func (t *totals[T]) init() {
	t.last, t.pending = map[string]T{}, map[string]T{}
}

// delta records total v of series key and returns its increase since the
// previous total; ok is false the first time a series is seen. A total
// lower than the previous one means the counter was reset, and the whole
// value is the increase.
func (t *totals[T]) delta(key string, v T) (d T, ok bool) {
	prev, seen := t.pending[key]
	if !seen {
		prev, seen = t.last[key]
	}
	t.pending[key] = v
	switch {
	case !seen:
		return 0, false
	case v < prev:
		return v, true
	}
	return v - prev, true
}

func (t *totals[T]) commit() {
	for k, v := range t.pending {
		t.last[k] = v
	}
	clear(t.pending)
}

func (t *totals[T]) discard() { clear(t.pending) }
