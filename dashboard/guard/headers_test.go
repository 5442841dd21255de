package guard_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

var cspNonceRE = regexp.MustCompile(`script-src 'self' 'nonce-([^']+)'`)

// TestSecurityHeaders: pages forbid framing and other scripts; the embed
// mode allows the listed origins to frame them and drops the chrome.
func TestSecurityHeaders(t *testing.T) {
	w := dashtest.Get(t, dashtest.Server(t, nil), "/alerts")
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self' 'nonce-", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("CSP allows unsafe scripts: %q", csp)
	}
	for k, v := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
		if w.Header().Get(k) != v {
			t.Errorf("%s: %q, want %q", k, w.Header().Get(k), v)
		}
	}
	if a, b := cspNonceRE.FindStringSubmatch(csp), cspNonceRE.FindStringSubmatch(dashtest.Get(t, dashtest.Server(t, nil), "/alerts").Header().Get("Content-Security-Policy")); a == nil || b == nil || a[1] == b[1] {
		t.Errorf("nonces are not fresh per response: %v %v", a, b)
	}
	embed := dashtest.Server(t, func(o *dashboard.Options) { o.FrameAncestors = []string{"https://wiki.example.org"} })
	w = dashtest.Get(t, embed, "/share?embed=1")
	if !strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-ancestors https://wiki.example.org") || w.Header().Get("X-Frame-Options") != "" {
		t.Errorf("embed mode headers: %v", w.Header())
	}
	if !strings.Contains(w.Body.String(), `<body class="embed">`) {
		t.Error("embed=1 keeps the chrome")
	}
	if api := dashtest.Get(t, dashtest.Server(t, nil), "/api/v1/networks"); api.Header().Get("Content-Security-Policy") != "default-src 'none'; frame-ancestors 'none'" {
		t.Errorf("API CSP %q", api.Header().Get("Content-Security-Policy"))
	}
}
