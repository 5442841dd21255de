package guard

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"
)

// Who is asking. Sign-in throttling is keyed on the client's address, so
// that address must be one the client cannot choose: the TCP peer, unless
// the peer is a proxy the operator listed in Options.TrustedProxies. Only
// then are X-Forwarded-For, Forwarded (RFC 7239) and X-Real-IP read — in
// that order, the first present wins — and a forwarding chain is walked
// from the right (the hop our own proxy appended) past every trusted
// proxy: the first address that is not one is the client. Anything to its
// left was written by the client and is ignored.
//
// gin's own ClientIP trusts every proxy unless told otherwise and knows no
// Forwarded header; the server sets it to trust none and never calls it.

// ctxClient holds the request's client address (a netip.Addr).
const ctxClient = "imscope.client"

// ParseTrustedProxies reads proxy addresses and networks (192.0.2.10,
// 10.0.0.0/8, ::1, fd00::/8) for Options.TrustedProxies.
func ParseTrustedProxies(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		p, err := parseProxy(strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// parseProxy reads one address or network; a bare address is a network of one.
func parseProxy(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or network like 10.0.0.0/8", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or network like 10.0.0.0/8", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// clientAddr is the address of the client that sent r.
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer, ok := parseHop(r.RemoteAddr)
	if !ok || !isTrusted(peer, trusted) {
		return peer // the zero Addr when RemoteAddr is not an IP (tests, unix sockets)
	}
	if hops := headerList(r.Header, "X-Forwarded-For"); len(hops) > 0 {
		return walkChain(hops, peer, trusted)
	}
	if hops := forwardedFor(r.Header); len(hops) > 0 {
		return walkChain(hops, peer, trusted)
	}
	if real := strings.TrimSpace(r.Header.Get("X-Real-IP")); real != "" {
		if a, ok := parseHop(real); ok {
			return a
		}
	}
	return peer
}

// walkChain finds the client in a forwarding chain: the rightmost hop that
// is not a trusted proxy. A hop that does not parse stops the walk at the
// last good one (a trusted proxy wrote everything to its right).
func walkChain(hops []string, peer netip.Addr, trusted []netip.Prefix) netip.Addr {
	last := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		last = a
		if !isTrusted(a, trusted) {
			break
		}
	}
	return last
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// headerList splits every value of a comma-separated header.
func headerList(h http.Header, name string) []string {
	var out []string
	for _, v := range h.Values(name) {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// forwardedFor is the for= of each element of the Forwarded header:
// `for=192.0.2.60;proto=https, for="[2001:db8::17]:4711"`.
func forwardedFor(h http.Header) []string {
	var out []string
	for _, elem := range headerList(h, "Forwarded") {
		for pair := range strings.SplitSeq(elem, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if ok && strings.EqualFold(k, "for") {
				out = append(out, strings.Trim(v, `"`))
			}
		}
	}
	return out
}

// parseHop reads an address as proxies write them: 192.0.2.1,
// 192.0.2.1:4711, 2001:db8::1, [2001:db8::1]:4711.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil && a.Zone() == "" {
		return a.Unmap(), true
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// Client is the client address Identify found for c.
func Client(c *gin.Context) netip.Addr {
	if v, ok := c.Get(ctxClient); ok {
		return v.(netip.Addr)
	}
	return netip.Addr{}
}

// addrKey is the key the throttle counts a client under: its address, or
// for IPv6 its /64 — one host commonly holds a whole /64, so counting
// single IPv6 addresses would give it 2^64 fresh budgets.
func addrKey(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
