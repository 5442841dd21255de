package main

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/report"
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

// ReportsConfig is the `reports:` section.
type ReportsConfig struct {
	// Dir holds every run's files, Dir/NAME/SLOT-RUN/; default <engine.data>/reports.
	Dir string `yaml:"dir"`
	// Timeout bounds rendering one run.
	Timeout time.Duration `yaml:"timeout"`
	// Chromium prints the PDFs: a path, "" to look one up on PATH, or
	// "none" for HTML and CSV only.
	Chromium string         `yaml:"chromium"`
	List     []ReportConfig `yaml:"list"`
}

// ReportConfig is one scheduled report.
type ReportConfig struct {
	Name  string `yaml:"name"`
	Title string `yaml:"title"`
	// Schedule is a cron spec; CRON_TZ= sets the zone periods are computed
	// in. Empty: run only by `imscope report run` or the dashboard.
	Schedule string `yaml:"schedule"`
	// Period is what a run covers: the last full day, week, month,
	// quarter or year before it (default week), beside the one before.
	Period       string   `yaml:"period"`
	Sections     []string `yaml:"sections"` // default: all, in their usual order
	Language     string   `yaml:"language"` // en (default) or zh-CN
	Destinations []string `yaml:"destinations"`
	// CatchUp runs a slot missed while imscope was down at the next start
	// (default true); false records it as missed.
	CatchUp  *bool `yaml:"catch_up"`
	KeepRuns int   `yaml:"keep_runs"` // 0: no limit
	KeepDays int   `yaml:"keep_days"` // 0: no limit
}

// AlertDeliveryConfig is `alerts.delivery:`: where and how alert
// transitions are notified.
type AlertDeliveryConfig struct {
	Destinations   []string      `yaml:"destinations"` // webhook or email destinations
	GroupBy        []string      `yaml:"group_by"`     // label names; rule and kind are labels too
	GroupWait      time.Duration `yaml:"group_wait"`
	RepeatInterval time.Duration `yaml:"repeat_interval"`
	SendResolved   bool          `yaml:"send_resolved"`
}

func defaultReportsConfig() ReportsConfig { return ReportsConfig{Timeout: 10 * time.Minute} }

func defaultAlertDelivery() AlertDeliveryConfig {
	return AlertDeliveryConfig{Destinations: []string{}, GroupBy: []string{"rule"}, GroupWait: 30 * time.Second, RepeatInterval: 4 * time.Hour, SendResolved: true}
}

var (
	envNameRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	labelNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
)

// validateReports checks destinations, reports, alerts.delivery and
// public_url; Config.validate calls it.
func (c *Config) validateReports(p *configProblems) {
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.errorf("public_url", "%q is not an http:// or https:// URL", c.PublicURL)
		}
	}
	kinds := map[string]string{}
	for i, d := range c.Destinations {
		at := fmt.Sprintf("destinations[%d]", i)
		switch _, dup := kinds[d.Name]; {
		case !collectorNameRE.MatchString(d.Name):
			p.errorf(at+".name", "%q is not a valid name (lowercase letters, digits, _ . -, at most 64)", d.Name)
		case dup:
			p.errorf(at+".name", "%q is already the name of another destination", d.Name)
		default:
			kinds[d.Name] = d.Kind
		}
		d.validate(at, p)
	}
	if c.Reports.Timeout <= 0 {
		p.errorf("reports.timeout", "must be positive, not %s", c.Reports.Timeout)
	}
	seen := map[string]bool{}
	for i, r := range c.Reports.List {
		at := fmt.Sprintf("reports.list[%d]", i)
		switch {
		case !collectorNameRE.MatchString(r.Name):
			p.errorf(at+".name", "%q is not a valid name (lowercase letters, digits, _ . -, at most 64)", r.Name)
		case seen[r.Name]:
			p.errorf(at+".name", "%q is already the name of another report", r.Name)
		}
		seen[r.Name] = true
		r.validate(at, kinds, p)
	}
	d := c.Alerts.Delivery
	for i, name := range d.Destinations {
		at := fmt.Sprintf("alerts.delivery.destinations[%d]", i)
		switch kind, ok := kinds[name]; {
		case !ok:
			p.errorf(at, "%q is not a configured destination", name)
		case kind != "webhook" && kind != "email":
			p.errorf(at, "%q is a %s destination; alerts go to webhook and email destinations", name, kind)
		}
	}
	for i, l := range d.GroupBy {
		if !labelNameRE.MatchString(l) {
			p.errorf(fmt.Sprintf("alerts.delivery.group_by[%d]", i), "%q is not a label name", l)
		}
	}
	if d.GroupWait < 0 {
		p.errorf("alerts.delivery.group_wait", "must not be negative, not %s", d.GroupWait)
	}
	if d.RepeatInterval < time.Minute {
		p.errorf("alerts.delivery.repeat_interval", "must be at least 1m, not %s", d.RepeatInterval)
	}
}

func (d DestinationConfig) validate(at string, p *configProblems) {
	blocks := map[string]bool{"webhook": d.Webhook != nil, "email": d.Email != nil, "directory": d.Directory != nil}
	if _, ok := blocks[d.Kind]; !ok {
		p.errorf(at+".kind", "%q is not one of webhook, email, directory", d.Kind)
		return
	}
	for _, kind := range []string{"webhook", "email", "directory"} {
		if blocks[kind] && kind != d.Kind {
			p.errorf(at+"."+kind, "is the block of %s destinations, not of %s", kind, d.Kind)
		}
	}
	if !blocks[d.Kind] {
		p.errorf(at+"."+d.Kind, "a %s destination needs its %s: block", d.Kind, d.Kind)
		return
	}
	if d.Attempts < 0 || d.Attempts > 20 {
		p.errorf(at+".attempts", "must be between 1 and 20 (0 for the default, 5), not %d", d.Attempts)
	}
	for _, f := range []struct {
		key string
		v   time.Duration
	}{{"backoff", d.Backoff}, {"max_backoff", d.MaxBackoff}, {"timeout", d.Timeout}} {
		if f.v < 0 {
			p.errorf(at+"."+f.key, "must not be negative, not %s", f.v)
		}
	}
	switch d.Kind {
	case "webhook":
		w := d.Webhook
		switch {
		case (w.URL == "") == (w.URLEnv == ""):
			p.errorf(at+".webhook.url", "set url or url_env (one of them)")
		case w.URL != "":
			if u, err := url.Parse(string(w.URL)); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				p.errorf(at+".webhook.url", "is not an http:// or https:// URL")
			}
		}
		checkEnvNames(p, at+".webhook.", "url_env", w.URLEnv, "secret_env", w.SecretEnv)
	case "email":
		e := d.Email
		if e.Host == "" {
			p.errorf(at+".email.host", "must name the SMTP server")
		}
		if e.Port < 0 || e.Port > 65535 {
			p.errorf(at+".email.port", "%d is not a TCP port", e.Port)
		}
		switch e.Security {
		case "", "starttls", "tls":
		case "none":
			if !isLoopbackHost(e.Host) {
				p.errorf(at+".email.security", "none (no TLS) is allowed only to a loopback host such as 127.0.0.1, not %q", e.Host)
			}
		default:
			p.errorf(at+".email.security", "%q is not one of starttls, tls, none", e.Security)
		}
		if !isMailAddress(e.From) {
			p.errorf(at+".email.from", "%q is not an e-mail address", e.From)
		}
		if len(e.To) == 0 {
			p.errorf(at+".email.to", "must list at least one recipient")
		}
		for j, t := range e.To {
			if !isMailAddress(t) {
				p.errorf(fmt.Sprintf("%s.email.to[%d]", at, j), "%q is not an e-mail address", t)
			}
		}
		checkEnvNames(p, at+".email.", "username_env", e.UsernameEnv, "password_env", e.PasswordEnv)
	case "directory":
		if d.Directory.Path == "" {
			p.errorf(at+".directory.path", "must not be empty")
		}
	}
}

func (r ReportConfig) validate(at string, destinations map[string]string, p *configProblems) {
	if r.Schedule != "" {
		if _, err := report.ParseSchedule(r.Schedule); err != nil {
			p.errorf(at+".schedule", "%v", err)
		}
	}
	if r.Period != "" {
		if _, err := imscope.ParseGranularity(r.Period); err != nil {
			p.errorf(at+".period", "%q is not one of day, week, month, quarter, year", r.Period)
		}
	}
	for j, s := range r.Sections {
		switch {
		case !report.IsSection(s):
			p.errorf(fmt.Sprintf("%s.sections[%d]", at, j), "%q is not one of %s", s, joinSections())
		case slices.Index(r.Sections, s) < j:
			p.errorf(fmt.Sprintf("%s.sections[%d]", at, j), "%q is listed twice", s)
		}
	}
	if r.Language != "" && !slices.Contains(report.Languages, r.Language) {
		p.errorf(at+".language", "%q is not one of %s", r.Language, strings.Join(report.Languages, ", "))
	}
	for j, name := range r.Destinations {
		if _, ok := destinations[name]; !ok {
			p.errorf(fmt.Sprintf("%s.destinations[%d]", at, j), "%q is not a configured destination", name)
		}
	}
	if r.KeepRuns < 0 {
		p.errorf(at+".keep_runs", "must not be negative, not %d", r.KeepRuns)
	}
	if r.KeepDays < 0 {
		p.errorf(at+".keep_days", "must not be negative, not %d", r.KeepDays)
	}
}

func joinSections() string {
	s := make([]string, len(report.Sections))
	for i, v := range report.Sections {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// reportsDir is where report runs are written for this configuration.
func (c *Config) reportsDir() string {
	if c.Reports.Dir != "" {
		return c.Reports.Dir
	}
	return filepath.Join(c.Engine.Data, "reports")
}

// reportDefinitions resolves the configured reports (already validated).
func (c *Config) reportDefinitions() ([]report.Definition, error) {
	var out []report.Definition
	for _, r := range c.Reports.List {
		d := report.Definition{
			Name: r.Name, Title: r.Title, Location: time.Local, Granularity: imscope.Week, Sections: report.Sections,
			Language: "en", Destinations: r.Destinations, CatchUp: r.CatchUp == nil || *r.CatchUp,
			Keep: report.Retention{Runs: r.KeepRuns, Days: r.KeepDays},
		}
		if r.Schedule != "" {
			s, err := report.ParseSchedule(r.Schedule)
			if err != nil {
				return nil, fmt.Errorf("report %s: %w", r.Name, err)
			}
			d.Schedule, d.Location = s, s.Location()
		}
		if r.Period != "" {
			d.Granularity = imscope.Granularity(r.Period)
		}
		if len(r.Sections) > 0 {
			d.Sections = make([]report.Section, len(r.Sections))
			for i, s := range r.Sections {
				d.Sections[i] = report.Section(s)
			}
		}
		if r.Language != "" {
			d.Language = r.Language
		}
		out = append(out, d)
	}
	return out, nil
}

// checkEnvNames checks key/value pairs that name environment variables.
func checkEnvNames(p *configProblems, at string, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		if v := kv[i+1]; v != "" && !envNameRE.MatchString(v) {
			p.errorf(at+kv[i], "%q is not an environment variable name", v)
		}
	}
}

func isMailAddress(s string) bool {
	_, err := mail.ParseAddress(s)
	return err == nil
}

func isLoopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}
