package notify_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard/notify"
)

func problems(ps []notify.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%s: %s\n", p.Field, p.Msg)
	}
	return b.String()
}

func TestRetryCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		retry notify.Retry
		want  string
	}{
		{name: "defaults", retry: notify.Retry{}},
		{name: "the most", retry: notify.Retry{Attempts: 20, Backoff: time.Second, MaxBackoff: time.Hour, Timeout: time.Minute}},
		{name: "too many", retry: notify.Retry{Attempts: 21}, want: "attempts: must be between 1 and 20 (0 for the default, 5), not 21\n"},
		{name: "negative", retry: notify.Retry{Attempts: -1, Backoff: -time.Second, MaxBackoff: -time.Minute, Timeout: -1},
			want: "attempts: must be between 1 and 20 (0 for the default, 5), not -1\nbackoff: must not be negative, not -1s\nmax_backoff: must not be negative, not -1m0s\ntimeout: must not be negative, not -1ns\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := problems(tc.retry.Check()); got != tc.want {
				t.Errorf("got:\n%swant:\n%s", got, tc.want)
			}
		})
	}
}

func TestEmailCheck(t *testing.T) {
	ok := notify.EmailOptions{Host: "smtp.example.org", From: "imscope <a@example.org>", To: []string{"b@example.org"}}
	with := func(f func(o *notify.EmailOptions)) notify.EmailOptions {
		o := ok
		f(&o)
		return o
	}
	for _, tc := range []struct {
		name string
		opts notify.EmailOptions
		want string
	}{
		{name: "good", opts: ok},
		{name: "plain text to a loopback relay", opts: with(func(o *notify.EmailOptions) { o.Host, o.Security = "127.0.0.1", notify.NoTLS })},
		{name: "plain text to localhost", opts: with(func(o *notify.EmailOptions) { o.Host, o.Security = "localhost", notify.NoTLS })},
		{name: "plain text to ::1", opts: with(func(o *notify.EmailOptions) { o.Host, o.Security = "::1", notify.NoTLS })},
		{name: "plain text to a remote host", opts: with(func(o *notify.EmailOptions) { o.Security = notify.NoTLS }),
			want: `security: none (no TLS) is allowed only to a loopback host such as 127.0.0.1, not "smtp.example.org"` + "\n"},
		{name: "an unknown security", opts: with(func(o *notify.EmailOptions) { o.Security = "ssl" }), want: `security: "ssl" is not one of starttls, tls, none` + "\n"},
		{name: "no host", opts: with(func(o *notify.EmailOptions) { o.Host = "" }), want: "host: must name the SMTP server\n"},
		{name: "a bad port", opts: with(func(o *notify.EmailOptions) { o.Port = 70000 }), want: "port: 70000 is not a TCP port\n"},
		{name: "a bad from", opts: with(func(o *notify.EmailOptions) { o.From = "nobody" }), want: `from: "nobody" is not an e-mail address` + "\n"},
		{name: "no recipient", opts: with(func(o *notify.EmailOptions) { o.To = nil }), want: "to: must list at least one recipient\n"},
		{name: "a bad recipient", opts: with(func(o *notify.EmailOptions) { o.To = []string{"b@example.org", "x"} }), want: `to[1]: "x" is not an e-mail address` + "\n"},
		{name: "a login is not looked at", opts: with(func(o *notify.EmailOptions) { o.Username = "u" })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := problems(tc.opts.Check()); got != tc.want {
				t.Errorf("got:\n%swant:\n%s", got, tc.want)
			}
		})
	}
}

func TestCheckWebhookURLAndDirectory(t *testing.T) {
	for url, want := range map[string]string{
		"https://hooks.example.org/x": "",
		"http://127.0.0.1:9/hook":     "",
		"ftp://hooks.example.org/x":   "url: is not an http:// or https:// URL\n",
		"https:///x":                  "url: is not an http:// or https:// URL\n",
		"%zz":                         "url: is not an http:// or https:// URL\n",
	} {
		if got := problems(notify.CheckWebhookURL(url)); got != want {
			t.Errorf("CheckWebhookURL(%q) = %q, want %q", url, got, want)
		}
	}
	if got := problems(notify.CheckDirectory("")); got != "path: must not be empty\n" {
		t.Errorf("CheckDirectory(\"\") = %q", got)
	}
	if got := notify.CheckDirectory("/srv/reports"); got != nil {
		t.Errorf("CheckDirectory(/srv/reports) = %v", got)
	}
}

// The constructors hold to the same rules and say which were broken.
func TestConstructorsShareTheRules(t *testing.T) {
	_, err := notify.NewEmail("analysts", notify.EmailOptions{Host: "smtp.example.org", Security: notify.NoTLS, From: "a@example.org"})
	want := "email analysts: security: none (no TLS) is allowed only to a loopback host such as 127.0.0.1, not \"smtp.example.org\"\nto: must list at least one recipient"
	if err == nil || err.Error() != want {
		t.Errorf("NewEmail: %v\nwant %s", err, want)
	}
	_, err = notify.NewWebhook("ops", "ftp://hooks.example.org/T000/secret", notify.WebhookOptions{})
	if err == nil || err.Error() != "webhook ops: url: is not an http:// or https:// URL" {
		t.Errorf("NewWebhook: %v", err)
	}
}
