package api

import "testing"

// TestRedactURLs: a URL in a delivery error keeps its scheme and host, and
// loses what may carry a secret: user information, path, query, fragment.
func TestRedactURLs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`Post "https://hooks.slack.com/services/T0/B0/XXXX": timeout`, `Post "https://hooks.slack.com/…": timeout`},
		{"dial https://user:token@example.org failed", "dial https://example.org/… failed"},
		{"https://example.org?token=abc and http://10.0.0.1:8080/x#frag", "https://example.org/… and http://10.0.0.1:8080/…"},
		{"webhook ops answered 502 Bad Gateway", "webhook ops answered 502 Bad Gateway"},
		{"see https://example.org", "see https://example.org"},
		{"smtp://:@", "[url]"},
	} {
		if got := redactURLs(tc.in); got != tc.want {
			t.Errorf("redactURLs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
