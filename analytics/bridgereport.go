package analytics

// Figures derived from a BridgeReport: traffic per pair of networks (the
// interconnection map's edges), the busiest pair, the overall rate and
// failure ratio — what the Overview, Bridges page and reports show.

import "slices"

// LinkTraffic is the traffic between two networks: both directions and
// every bridge between them together — an edge of the interconnection map.
type LinkTraffic struct {
	A, B               string   // the networks, A < B
	Bridges            []string // the bridges carrying it, busiest route's first
	Messages, Failures uint64
}

// FailureRatio = Failures / Messages, 0 without messages (an idle link
// draws as healthy).
func (l LinkTraffic) FailureRatio() float64 {
	return float64(l.Failures) / float64(max(l.Messages, 1))
}

// Links groups r's routes by their pair of networks, in the order the
// pairs first appear (routes come busiest first, so the busiest route's
// pair leads).
func (r BridgeReport) Links() []LinkTraffic {
	byPair := map[[2]string]int{}
	var out []LinkTraffic
	for _, rt := range r.Routes {
		k := [2]string{min(rt.From, rt.To), max(rt.From, rt.To)}
		i, ok := byPair[k]
		if !ok {
			i = len(out)
			byPair[k] = i
			out = append(out, LinkTraffic{A: k[0], B: k[1]})
		}
		l := &out[i]
		l.Messages += rt.Messages
		l.Failures += rt.Failures
		if !slices.Contains(l.Bridges, rt.Bridge) {
			l.Bridges = append(l.Bridges, rt.Bridge)
		}
	}
	return out
}

// BusiestLink is the link that carried the most messages (the first of
// equals, in Links order); nil when no link carried any.
func (r BridgeReport) BusiestLink() *LinkTraffic {
	var best *LinkTraffic
	links := r.Links()
	for i := range links {
		if best == nil || links[i].Messages > best.Messages {
			best = &links[i]
		}
	}
	if best == nil || best.Messages == 0 {
		return nil
	}
	return best
}

// Rate = Messages / Seconds: every route's messages per second over the
// span, idle time included.
func (r BridgeReport) Rate() float64 { return float64(r.Messages) / r.Seconds }

// FailureRatio is the failures of r's listed routes over every route's
// messages (r.Messages); nil without traffic. With a network selection the
// listed routes are those touching it while Messages counts all interop
// traffic, as the Overview and Bridges pages have always shown it.
func (r BridgeReport) FailureRatio() *float64 {
	if r.Messages == 0 {
		return nil
	}
	var failures uint64
	for _, rt := range r.Routes {
		failures += rt.Failures
	}
	return ptr(float64(failures) / float64(r.Messages))
}
