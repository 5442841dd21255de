package guard

import (
	"net/http"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies, err := ParseTrustedProxies([]string{"10.0.0.0/8", "192.0.2.1", "2001:db8::/32"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		peer    string
		header  map[string]string
		trusted []netip.Prefix
		want    string
	}{
		{"no proxies: the peer", "198.51.100.1:5000", map[string]string{"X-Forwarded-For": "1.1.1.1"}, nil, "198.51.100.1"},
		{"untrusted peer: headers ignored", "198.51.100.1:5000", map[string]string{"X-Forwarded-For": "1.1.1.1", "X-Real-IP": "1.1.1.2", "Forwarded": "for=1.1.1.3"}, proxies, "198.51.100.1"},
		{"trusted peer, X-Forwarded-For", "10.1.1.1:5000", map[string]string{"X-Forwarded-For": "203.0.113.5"}, proxies, "203.0.113.5"},
		{"chain through trusted hops", "10.1.1.1:5000", map[string]string{"X-Forwarded-For": "203.0.113.5, 192.0.2.1, 10.2.2.2"}, proxies, "203.0.113.5"},
		{"forged hops left of the client", "10.1.1.1:5000", map[string]string{"X-Forwarded-For": "6.6.6.6, 7.7.7.7, 203.0.113.5"}, proxies, "203.0.113.5"},
		{"garbage stops the walk", "10.1.1.1:5000", map[string]string{"X-Forwarded-For": "nonsense, 10.2.2.2"}, proxies, "10.2.2.2"},
		{"Forwarded, quoted IPv6 with port", "10.1.1.1:5000", map[string]string{"Forwarded": `for="[2001:db9::17]:4711";proto=https`}, proxies, "2001:db9::17"},
		{"X-Forwarded-For before Forwarded", "10.1.1.1:5000", map[string]string{"X-Forwarded-For": "203.0.113.5", "Forwarded": "for=203.0.113.6"}, proxies, "203.0.113.5"},
		{"X-Real-IP last", "10.1.1.1:5000", map[string]string{"X-Real-IP": "203.0.113.7"}, proxies, "203.0.113.7"},
		{"trusted peer, no header", "10.1.1.1:5000", nil, proxies, "10.1.1.1"},
		{"IPv4-mapped peer", "[::ffff:10.1.1.1]:5000", map[string]string{"X-Forwarded-For": "203.0.113.5"}, proxies, "203.0.113.5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.peer
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			if got := clientAddr(r, tc.trusted); got.String() != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "proxy.example.org", "10.0.0.0/33", "fe80::1%eth0"} {
		if _, err := ParseTrustedProxies([]string{bad}); err == nil {
			t.Errorf("%q accepted as a proxy", bad)
		}
	}
	if k1, k2 := addrKey(netip.MustParseAddr("2001:db8:1:2::1")), addrKey(netip.MustParseAddr("2001:db8:1:2:ffff::9")); k1 != k2 {
		t.Errorf("one /64, two keys: %s, %s", k1, k2)
	}
}
