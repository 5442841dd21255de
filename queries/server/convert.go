package server

import (
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"

	"github.com/imscope/imscope/queries/rowbinary"
)

// convert turns v, a batch value for a column of type t, into the value
// clickhouse-go appends to that column as is: its canonical value
// (rowbinary's Type.Canonical), with every Map as an IterableOrderedMap.
//
// clickhouse-go is both stricter (an int for an Int32 column, a []any for a
// Map) and looser (it truncates an out-of-range int64 into an Int32 and
// stores NULL in a non-Nullable column as zero) than the embedded engine's
// encoder; converting by the encoder's own rules means the same Append calls
// work on both engines and fail on both with the same reasons.
func convert(t *rowbinary.Type, v any) (any, error) {
	cv, err := t.Canonical(v)
	if err != nil {
		return nil, err
	}
	return appendable(t, cv), nil
}

// appendable replaces, within cv, a canonical value of type t, each
// *rowbinary.Pairs by a *pairs: clickhouse-go takes a Go map only of exactly
// its scan type (map[string]uint64 for Map(String, UInt64)), but appends any
// IterableOrderedMap pair by pair. The []any of Arrays and Tuples are
// Canonical's own, so they are changed in place.
func appendable(t *rowbinary.Type, cv any) any {
	switch t.Base() {
	case "Nullable", "LowCardinality", "SimpleAggregateFunction":
		if cv != nil {
			return appendable(t.Elem(), cv)
		}
	case "Array":
		if s, ok := cv.([]any); ok {
			for i, e := range s {
				s[i] = appendable(t.Elem(), e)
			}
		}
	case "Tuple":
		if s, ok := cv.([]any); ok {
			for i, e := range s {
				s[i] = appendable(t.Field(i), e)
			}
		}
	case "Map":
		if p, ok := cv.(*rowbinary.Pairs); ok {
			for i := range p.Keys {
				p.Keys[i], p.Values[i] = appendable(t.Key(), p.Keys[i]), appendable(t.Elem(), p.Values[i])
			}
			return &pairs{keys: p.Keys, values: p.Values}
		}
	}
	return cv
}

// pairs is a Map value whose keys and values are already converted, as
// clickhouse-go's column.IterableOrderedMap.
type pairs struct {
	keys, values []any
}

var _ column.IterableOrderedMap = (*pairs)(nil)

func (p *pairs) Put(key, value any) {
	p.keys = append(p.keys, key)
	p.values = append(p.values, value)
}

func (p *pairs) Iterator() column.MapIterator { return &pairsIter{p: p, i: -1} }

type pairsIter struct {
	p *pairs
	i int
}

func (it *pairsIter) Next() bool { it.i++; return it.i < len(it.p.keys) }
func (it *pairsIter) Key() any   { return it.p.keys[it.i] }
func (it *pairsIter) Value() any { return it.p.values[it.i] }
