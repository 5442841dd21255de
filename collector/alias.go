package collector

import (
	"path"
	"strings"

	"github.com/imscope/imscope"
)

// Operators' sources do not speak in catalog ids: a Prosody virtual host is
// "xmpp.qq.example", a vendor's JSON says "QQ". The catalog's aliases
// (imscope.Network.Aliases) map such label values onto catalog ids as rows
// are stored, before anything else looks at their networks, so that every
// collector kind, import and push receiver names networks alike and a row
// is flagged unknown only when no alias claims it either.
//
// An id resolves in this order, the first that applies winning:
//
//  1. a catalog id stays itself (an alias never renames a network);
//  2. an exact alias;
//  3. the globs, in config order (networks in order, each network's
//     aliases in order);
//  4. otherwise the id is kept as given (and flagged unknown, unknown.go).
//
// Matching is case-sensitive and globs use path.Match syntax ("*", "?",
// "[...]"; "*" does not cross a "/"). The config refuses an alias two
// networks claim, one that is another network's id, and a glob that does
// not compile (cmd/imscope), so the order above only ever decides between
// globs that overlap. Rows an alias brings onto one key are summed (apply).

// IsAliasGlob reports whether an alias is a glob rather than an exact
// string: it holds one of path.Match's special characters.
func IsAliasGlob(alias string) bool { return strings.ContainsAny(alias, `*?[\`) }

type aliasGlob struct{ pattern, id string }

// aliases resolves label values to catalog ids. The zero value (no catalog,
// or no aliases) leaves every id as it is.
type aliases struct {
	ids   map[string]bool
	exact map[string]string
	globs []aliasGlob
}

func newAliases(networks []imscope.Network) aliases {
	a := aliases{ids: make(map[string]bool, len(networks))}
	for _, n := range networks {
		a.ids[n.ID] = true
	}
	for _, n := range networks {
		for _, s := range n.Aliases {
			if IsAliasGlob(s) {
				a.globs = append(a.globs, aliasGlob{s, n.ID})
				continue
			}
			if _, dup := a.exact[s]; dup || a.ids[s] {
				continue // refused by the config; the first claim wins here
			}
			if a.exact == nil {
				a.exact = map[string]string{}
			}
			a.exact[s] = n.ID
		}
	}
	return a
}

// none reports whether no alias is configured: nothing to rewrite.
func (a aliases) none() bool { return len(a.exact) == 0 && len(a.globs) == 0 }

// resolve returns the catalog id id stands for, or id itself.
func (a aliases) resolve(id string) string {
	if a.ids[id] {
		return id
	}
	if to, ok := a.exact[id]; ok {
		return to
	}
	for _, g := range a.globs {
		if ok, _ := path.Match(g.pattern, id); ok {
			return g.id
		}
	}
	return id
}

// apply rewrites, in place, the networks b's rows name (both ends of a
// bridge row). Each distinct id is resolved once per batch: a batch of a
// million rows names a handful of networks, and globs cost more than a
// map lookup. Applying it twice changes nothing, since what it yields is a
// catalog id or an id no alias claims.
//
// Two labels of one network in one batch — two Prosody virtual hosts of
// qq scraped together — become rows with one key; their usage and traffic
// figures are summed into the first, as the ejabberd collector sums the
// hosts of one network, rather than the second being refused as a
// conflict. Only rows brought together by an alias are summed: a row
// repeated under one label is left to the key rules (queries.Store).
func (a aliases) apply(b *Batch) {
	if a.none() {
		return
	}
	memo := map[string]string{}
	changed := false
	to := func(id *string) {
		r, ok := memo[*id]
		if !ok {
			r = a.resolve(*id)
			memo[*id] = r
		}
		if r != *id {
			changed = true
			*id = r
		}
	}
	var sampleRaw, bridgeRaw []string // the labels as given, for summing
	for i := range b.Samples {
		sampleRaw = append(sampleRaw, b.Samples[i].Network)
		to(&b.Samples[i].Network)
	}
	for i := range b.Bridges {
		bridgeRaw = append(bridgeRaw, b.Bridges[i].FromNetwork+"\x00"+b.Bridges[i].ToNetwork)
		to(&b.Bridges[i].FromNetwork)
		to(&b.Bridges[i].ToNetwork)
	}
	for i := range b.Panel {
		to(&b.Panel[i].Network)
	}
	for i := range b.Reports {
		to(&b.Reports[i].Network)
	}
	if changed {
		sumAliased(b, sampleRaw, bridgeRaw)
	}
}

// sumAliased sums the usage and traffic rows of b that share a key after
// aliasing but came under different labels, keeping the first of each and
// the Lines of the rows kept.
func sumAliased(b *Batch, sampleRaw, bridgeRaw []string) {
	type into struct {
		at     int
		labels map[string]bool
	}
	drop := map[int]bool{} // row index in Batch.Lines order
	samples := map[imscope.SampleKey]*into{}
	for i, s := range b.Samples {
		k := s.Key()
		first, ok := samples[k]
		switch {
		case !ok:
			samples[k] = &into{i, map[string]bool{sampleRaw[i]: true}}
		case !first.labels[sampleRaw[i]]:
			first.labels[sampleRaw[i]] = true
			b.Samples[first.at].Value += s.Value
			drop[i] = true
		}
	}
	bridges := map[imscope.BridgeKey]*into{}
	for i, s := range b.Bridges {
		k := s.Key()
		first, ok := bridges[k]
		switch {
		case !ok:
			bridges[k] = &into{i, map[string]bool{bridgeRaw[i]: true}}
		case !first.labels[bridgeRaw[i]]:
			first.labels[bridgeRaw[i]] = true
			addTraffic(&b.Bridges[first.at], s)
			drop[len(b.Samples)+i] = true
		}
	}
	if len(drop) == 0 {
		return
	}
	n := len(b.Samples)
	if len(b.Lines) == b.Rows() {
		kept := b.Lines[:0]
		for i, l := range b.Lines {
			if !drop[i] {
				kept = append(kept, l)
			}
		}
		b.Lines = kept
	}
	b.Samples = keep(b.Samples, func(i int) bool { return !drop[i] })
	b.Bridges = keep(b.Bridges, func(i int) bool { return !drop[n+i] })
}

// addTraffic adds o's figures to s: counts, bytes, latency sums and
// histogram buckets.
func addTraffic(s *imscope.BridgeSample, o imscope.BridgeSample) {
	s.Messages += o.Messages
	s.Failures += o.Failures
	s.Bytes += o.Bytes
	s.LatencySum += o.LatencySum
	if len(o.Latency) > 0 {
		m := make(map[uint64]uint64, len(s.Latency)+len(o.Latency))
		for k, v := range s.Latency {
			m[k] = v
		}
		for k, v := range o.Latency {
			m[k] += v
		}
		s.Latency = m
	}
}

// keep returns the elements of xs whose index ok accepts, in order, in
// xs's own array.
func keep[T any](xs []T, ok func(int) bool) []T {
	out := xs[:0]
	for i, x := range xs {
		if ok(i) {
			out = append(out, x)
		}
	}
	return out
}
