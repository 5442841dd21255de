package notify

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"time"
)

// The rules a destination's settings must follow live here, beside the
// destinations, and nowhere else: the configuration checks them when it is
// loaded (naming the file and line of each broken one), and the
// constructors check them again for callers that skip the configuration.
// Settings that only the caller knows about — where a secret is read from,
// which fields of a file are set together — stay the caller's rules.

// Problem is one setting that breaks a rule. Field names the setting as the
// configuration file does ("security", "to[1]", "max_backoff"), so the
// caller can point at its line; Msg says what is wrong with it.
type Problem struct {
	Field string
	Msg   string
}

// Kinds are the kinds of destination, as Destination.Kind names them.
var Kinds = []string{"webhook", "email", "directory"}

// MaxAttempts bounds Retry.Attempts: more tries than this only delays the
// failure a caller records.
const MaxAttempts = 20

// Check reports the settings of r that break a rule. Zero means the
// default for every field; negative is never meant.
func (r Retry) Check() []Problem {
	var out []Problem
	if r.Attempts < 0 || r.Attempts > MaxAttempts {
		out = append(out, Problem{"attempts", fmt.Sprintf("must be between 1 and %d (0 for the default, %d), not %d", MaxAttempts, DefaultAttempts, r.Attempts)})
	}
	for _, f := range []struct {
		field string
		v     time.Duration
	}{{"backoff", r.Backoff}, {"max_backoff", r.MaxBackoff}, {"timeout", r.Timeout}} {
		if f.v < 0 {
			out = append(out, Problem{f.field, fmt.Sprintf("must not be negative, not %s", f.v)})
		}
	}
	return out
}

// Check reports the settings of an e-mail destination that break a rule,
// before any secret is read: the login (Username, Password) is not looked
// at. Port 0 and Security "" are the defaults.
func (o EmailOptions) Check() []Problem {
	var out []Problem
	bad := func(field, format string, args ...any) {
		out = append(out, Problem{field, fmt.Sprintf(format, args...)})
	}
	if o.Host == "" {
		bad("host", "must name the SMTP server")
	}
	if o.Port < 0 || o.Port > 65535 {
		bad("port", "%d is not a TCP port", o.Port)
	}
	switch o.Security {
	case "", StartTLS, ImplicitTLS:
	case NoTLS:
		// Plain text only where it cannot be read on the way: a local
		// relay that does its own TLS.
		if !isLoopback(o.Host) {
			bad("security", "none (no TLS) is allowed only to a loopback host such as 127.0.0.1, not %q", o.Host)
		}
	default:
		bad("security", "%q is not one of starttls, tls, none", o.Security)
	}
	if !isMailAddress(o.From) {
		bad("from", "%q is not an e-mail address", o.From)
	}
	if len(o.To) == 0 {
		bad("to", "must list at least one recipient")
	}
	for i, t := range o.To {
		if !isMailAddress(t) {
			bad(fmt.Sprintf("to[%d]", i), "%q is not an e-mail address", t)
		}
	}
	return out
}

// CheckWebhookURL reports a webhook URL that is not http or https with a
// host. The message does not quote the URL: webhook URLs carry tokens.
func CheckWebhookURL(raw string) []Problem {
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return []Problem{{"url", "is not an http:// or https:// URL"}}
	}
	return nil
}

// CheckDirectory reports a directory destination without a directory.
func CheckDirectory(root string) []Problem {
	if root == "" {
		return []Problem{{"path", "must not be empty"}}
	}
	return nil
}

// problemsError is the constructors' error for problems: one line each,
// "field: message", after the destination's kind and name.
func problemsError(kind, name string, ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = fmt.Errorf("%s: %s", p.Field, p.Msg)
	}
	return fmt.Errorf("%s %s: %w", kind, name, errors.Join(errs...))
}

func isMailAddress(s string) bool {
	_, err := mail.ParseAddress(s)
	return err == nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
