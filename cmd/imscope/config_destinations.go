package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/imscope/imscope/cmd/internal/yamlconf"
	"github.com/imscope/imscope/dashboard/notify"
)

// DestinationConfig is one entry of `destinations:`: somewhere reports and
// alert notifications can be delivered, named so that reports and
// alerts.delivery can refer to it. Secrets are never in the file: the
// entry names the environment variables that hold them.
//
//   - name: ops
//     kind: webhook
//     webhook: {url_env: IMSCOPE_OPS_WEBHOOK_URL, secret_env: IMSCOPE_OPS_WEBHOOK_SECRET}
type DestinationConfig struct {
	Name string `yaml:"name"`
	Kind string `yaml:"kind"` // webhook, email or directory
	// Retrying: Attempts tries in all, waiting Backoff after the first
	// failure and doubling up to MaxBackoff; each attempt at most Timeout.
	Attempts   int           `yaml:"attempts"`
	Backoff    time.Duration `yaml:"backoff"`
	MaxBackoff time.Duration `yaml:"max_backoff"`
	Timeout    time.Duration `yaml:"timeout"`

	Webhook   *WebhookConfig   `yaml:"webhook"`
	Email     *EmailConfig     `yaml:"email"`
	Directory *DirectoryConfig `yaml:"directory"`
}

// WebhookConfig is a webhook destination's block.
type WebhookConfig struct {
	// URL, or the variable URLEnv that holds it (better for Slack, whose
	// webhook URLs carry a token).
	URL    WebhookURL `yaml:"url"`
	URLEnv string     `yaml:"url_env"`
	// SecretEnv names the variable holding the HMAC-SHA256 signing key;
	// empty sends unsigned requests.
	SecretEnv string `yaml:"secret_env"`
}

// WebhookURL prints as scheme://host/… so that logging a Config cannot leak
// a token kept in the path; string(u) is the real value.
type WebhookURL string

func (u WebhookURL) String() string {
	p, err := url.Parse(string(u))
	if err != nil || p.Host == "" {
		return "(webhook URL hidden)"
	}
	return p.Scheme + "://" + p.Host + "/…"
}

// GoString keeps %#v from printing the token.
func (u WebhookURL) GoString() string { return strconv.Quote(u.String()) }

// EmailConfig is an e-mail destination's block.
type EmailConfig struct {
	Host     string   `yaml:"host"`
	Port     int      `yaml:"port"`     // default 587, or 465 for security tls
	Security string   `yaml:"security"` // starttls (default), tls, or none (loopback hosts only)
	From     string   `yaml:"from"`
	To       []string `yaml:"to"`
	// The variables holding the SMTP login (AUTH PLAIN); when the
	// username variable is unset or empty, mail is sent without logging in.
	UsernameEnv string `yaml:"username_env"` // default IMSCOPE_SMTP_USERNAME
	PasswordEnv string `yaml:"password_env"` // default IMSCOPE_SMTP_PASSWORD
	// CAFile is a PEM bundle to verify the server with instead of the
	// system's roots (a private CA).
	CAFile string `yaml:"ca_file"`
}

// DirectoryConfig is a directory destination's block: reports are copied
// to Path/NAME/SLOT-RUN/.
type DirectoryConfig struct {
	Path string `yaml:"path"`
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// validateDestinations checks each destination and that names are unique,
// and returns each destination's kind by name for the sections that refer
// to them.
func validateDestinations(ds []DestinationConfig, p *yamlconf.Problems) map[string]string {
	kinds := map[string]string{}
	for i, d := range ds {
		at := fmt.Sprintf("destinations[%d]", i)
		if _, dup := kinds[d.Name]; checkName(p, at, d.Name, dup, "destination") {
			kinds[d.Name] = d.Kind
		}
		d.validate(at, p)
	}
	return kinds
}

// validate checks one destination. The rules about the settings
// themselves are package notify's (the owner of destinations); this adds
// the file's own: one block, of the destination's kind, and secrets named
// by variables.
func (d DestinationConfig) validate(at string, p *yamlconf.Problems) {
	if !d.validateBlocks(at, p) {
		return
	}
	notifyProblems(p, at+".", d.retry().Check())
	switch d.Kind {
	case "webhook":
		d.Webhook.validate(at+".webhook.", p)
	case "email":
		notifyProblems(p, at+".email.", d.Email.options().Check())
		checkEnvNames(p, at+".email.", "username_env", d.Email.UsernameEnv, "password_env", d.Email.PasswordEnv)
	case "directory":
		notifyProblems(p, at+".directory.", notify.CheckDirectory(d.Directory.Path))
	}
}

// validateBlocks checks the kind and that the one settings block present
// is the kind's; false when the rest cannot be checked.
func (d DestinationConfig) validateBlocks(at string, p *yamlconf.Problems) bool {
	blocks := map[string]bool{"webhook": d.Webhook != nil, "email": d.Email != nil, "directory": d.Directory != nil}
	if _, ok := blocks[d.Kind]; !ok {
		p.Errorf(at+".kind", "%q is not one of %s", d.Kind, strings.Join(notify.Kinds, ", "))
		return false
	}
	for _, kind := range notify.Kinds {
		if blocks[kind] && kind != d.Kind {
			p.Errorf(at+"."+kind, "is the block of %s destinations, not of %s", kind, d.Kind)
		}
	}
	if !blocks[d.Kind] {
		p.Errorf(at+"."+d.Kind, "a %s destination needs its %s: block", d.Kind, d.Kind)
		return false
	}
	return true
}

func (w *WebhookConfig) validate(at string, p *yamlconf.Problems) {
	switch {
	case (w.URL == "") == (w.URLEnv == ""):
		p.Errorf(at+"url", "set url or url_env (one of them)")
	case w.URL != "":
		notifyProblems(p, at, notify.CheckWebhookURL(string(w.URL)))
	}
	checkEnvNames(p, at, "url_env", w.URLEnv, "secret_env", w.SecretEnv)
}

// retry is the destination's retry policy as package notify takes it.
func (d DestinationConfig) retry() notify.Retry {
	return notify.Retry{Attempts: d.Attempts, Backoff: d.Backoff, MaxBackoff: d.MaxBackoff, Timeout: d.Timeout}
}

// options are the block's settings as package notify takes them, without
// the login (read from the environment when the destination is built).
func (e *EmailConfig) options() notify.EmailOptions {
	return notify.EmailOptions{Host: e.Host, Port: e.Port, Security: notify.Security(e.Security), From: e.From, To: e.To}
}

// notifyProblems reports package notify's problems with the settings under
// at (a key path ending in ".").
func notifyProblems(p *yamlconf.Problems, at string, ps []notify.Problem) {
	for _, pr := range ps {
		p.Errorf(at+pr.Field, "%s", pr.Msg)
	}
}

// checkEnvNames checks key/value pairs that name environment variables.
func checkEnvNames(p *yamlconf.Problems, at string, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		if v := kv[i+1]; v != "" && !envNameRE.MatchString(v) {
			p.Errorf(at+kv[i], "%q is not an environment variable name", v)
		}
	}
}

// buildTargets makes every configured destination, reading its secrets
// from the environment. Problems name the destination and variable, never
// a secret's value.
func buildTargets(cfg *Config, getenv func(string) string) (map[string]notify.Target, error) {
	out := map[string]notify.Target{}
	var errs []error
	for i, d := range cfg.Destinations {
		dest, err := buildDestination(d, getenv)
		if err != nil {
			// Blame the key's line (or the destination's), as the config's
			// own problems do: "imscope.yaml:4: destinations[0] (ops): …".
			at, path := fmt.Sprintf("destinations[%d]", i), fmt.Sprintf("destinations[%d]", i)
			var ke keyError
			if errors.As(err, &ke) {
				path += "." + d.Kind + "." + ke.key
			}
			if where := cfg.src.Where(path); where != "" {
				at = where + ": " + at
			}
			errs = append(errs, fmt.Errorf("%s (%s): %w", at, d.Name, err))
			continue
		}
		out[d.Name] = notify.Target{Destination: dest, Retry: d.retry()}
	}
	return out, errors.Join(errs...)
}

func buildDestination(d DestinationConfig, getenv func(string) string) (notify.Destination, error) {
	switch d.Kind {
	case "webhook":
		w := d.Webhook
		u := string(w.URL)
		if w.URLEnv != "" {
			if u = getenv(w.URLEnv); u == "" {
				return nil, keyError{"url_env", fmt.Errorf("%s is not set; it should hold the webhook's URL", w.URLEnv)}
			}
		}
		var secret []byte
		if w.SecretEnv != "" {
			if secret = []byte(getenv(w.SecretEnv)); len(secret) == 0 {
				return nil, keyError{"secret_env", fmt.Errorf("%s is not set; it should hold the signing secret", w.SecretEnv)}
			}
		}
		return notify.NewWebhook(d.Name, u, notify.WebhookOptions{Secret: secret, UserAgent: "imscope/" + buildVersion()})
	case "email":
		m := d.Email
		userEnv, passEnv := envOr(m.UsernameEnv, "IMSCOPE_SMTP_USERNAME"), envOr(m.PasswordEnv, "IMSCOPE_SMTP_PASSWORD")
		opts := m.options()
		opts.Username, opts.Password = getenv(userEnv), getenv(passEnv)
		if opts.Username != "" && opts.Password == "" {
			return nil, fmt.Errorf("%s is set but %s is not", userEnv, passEnv)
		}
		if m.CAFile != "" {
			pem, err := os.ReadFile(m.CAFile)
			if err != nil {
				return nil, fmt.Errorf("ca_file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("ca_file: %s holds no PEM certificate", m.CAFile)
			}
			opts.TLSConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
		return notify.NewEmail(d.Name, opts)
	case "directory":
		return notify.NewDirectory(d.Name, d.Directory.Path), nil
	}
	return nil, fmt.Errorf("unknown kind %q", d.Kind)
}

// keyError is a problem with one key of a destination's kind block
// ("url_env" of webhook), so that it can be blamed on the key's line.
type keyError struct {
	key string
	err error
}

func (e keyError) Error() string { return e.key + ": " + e.err.Error() }
func (e keyError) Unwrap() error { return e.err }

func envOr(name, fallback string) string {
	if strings.TrimSpace(name) == "" {
		return fallback
	}
	return name
}
