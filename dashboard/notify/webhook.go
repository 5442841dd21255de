package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Headers of a webhook request. The signature is GitHub's scheme:
// "sha256=" and the hex HMAC-SHA256 of the raw request body keyed with the
// destination's secret. The body carries id and sent_at, so a receiver
// that checks the signature, drops ids it has seen and refuses an old
// sent_at is safe from forged and replayed calls.
const (
	HeaderSignature = "X-Imscope-Signature-256"
	HeaderEvent     = "X-Imscope-Event"
	HeaderDelivery  = "X-Imscope-Delivery"
)

// WebhookPayload is the JSON body of a webhook request. Text is formatted
// for Slack's incoming webhooks (and Mattermost's, and Rocket.Chat's),
// which read only it; other receivers read the rest.
type WebhookPayload struct {
	ID      string    `json:"id"`
	Event   string    `json:"event"`
	SentAt  time.Time `json:"sent_at"`
	Summary string    `json:"summary"`
	Text    string    `json:"text"`
	Links   []Link    `json:"links"`
	Data    any       `json:"data,omitempty"`
}

// Webhook POSTs messages as JSON to a URL.
type Webhook struct {
	name      string
	url       *url.URL // may carry a token (Slack puts one in the path): never printed whole
	secret    []byte
	client    *http.Client
	userAgent string
}

// WebhookOptions configure a Webhook.
type WebhookOptions struct {
	// Secret keys the HMAC-SHA256 signature; empty sends no signature.
	Secret []byte
	// Client sends the requests; nil is a client that follows no
	// redirects. Per-attempt timeouts come from Deliver's context.
	Client    *http.Client
	UserAgent string
}

// NewWebhook returns a webhook destination for an http or https URL.
func NewWebhook(name, rawURL string, opts WebhookOptions) (*Webhook, error) {
	if err := problemsError("webhook", name, CheckWebhookURL(rawURL)); err != nil {
		return nil, err
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("webhook %s: %w", name, err) // CheckWebhookURL has parsed it
	}
	client := opts.Client
	if client == nil {
		// A redirect is refused rather than followed: the signed body must
		// reach the configured receiver, and a 3xx usually means a wrong URL.
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "imscope"
	}
	return &Webhook{name: name, url: u, secret: opts.Secret, client: client, userAgent: opts.UserAgent}, nil
}

func (w *Webhook) Name() string { return w.name }
func (w *Webhook) Kind() string { return "webhook" }

// String shows the URL without its path and query, where tokens live.
func (w *Webhook) String() string { return "webhook " + w.name + " " + redactURL(w.url) }

// LogValue keeps slog from printing the URL's token or the secret.
func (w *Webhook) LogValue() slog.Value { return slog.StringValue(w.String()) }

// Send POSTs the message once. 2xx is success; a network error, 5xx and
// 429 may be retried (429 and 503 after their Retry-After); any other
// answer is permanent.
func (w *Webhook) Send(ctx context.Context, m *Message) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // receivers parse JSON; people reading it should see < and &
	if err := enc.Encode(WebhookPayload{
		ID: m.ID, Event: m.Event, SentAt: m.Time.UTC(), Summary: m.Subject,
		Text: slackText(m), Links: nonNilLinks(m.Links), Data: m.Data,
	}); err != nil {
		return Permanent(fmt.Errorf("webhook %s: cannot encode the payload: %w", w.name, err))
	}
	body := buf.Bytes()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url.String(), bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("webhook %s: %s", w.name, w.redact(err)))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", w.userAgent)
	req.Header.Set(HeaderEvent, m.Event)
	req.Header.Set(HeaderDelivery, m.ID)
	if len(w.secret) > 0 {
		req.Header.Set(HeaderSignature, Sign(w.secret, body))
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %s", w.name, w.redact(err))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // so the connection can be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("webhook %s answered %s%s", w.name, resp.Status, quoteSnippet(snippet))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		if after, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return &RetryAfterError{Err: err, After: after}
		}
		return err
	case resp.StatusCode >= 500:
		return err
	}
	return Permanent(err)
}

// redact removes the URL from an error of the HTTP client (*url.Error
// quotes it whole).
func (w *Webhook) redact(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Sprintf("%s %s: %v", ue.Op, redactURL(w.url), ue.Err)
	}
	return strings.ReplaceAll(err.Error(), w.url.String(), redactURL(w.url))
}

// Sign returns the value of the signature header for body: "sha256=" and
// the hex HMAC-SHA256 of body keyed with secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether signature (the header's value) signs body with
// secret, in constant time — what a receiver written in Go would do.
func Verify(secret, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(signature))
}

// redactURL keeps scheme and host: enough to tell which receiver failed.
func redactURL(u *url.URL) string {
	r := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		r += "/…"
	}
	return r
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		return time.Duration(min(n, 1<<31)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func quoteSnippet(b []byte) string {
	s := strings.TrimSpace(strings.ToValidUTF8(string(b), "?"))
	if s == "" {
		return ""
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return ": " + strconv.Quote(s)
}

func nonNilLinks(l []Link) []Link {
	if l == nil {
		return []Link{}
	}
	return l
}

// slackText formats a message for Slack's mrkdwn: the subject in bold, the
// text, then the links. &, < and > are escaped as Slack asks, so text from
// labels cannot make links or mentions.
func slackText(m *Message) string {
	var b strings.Builder
	b.WriteString("*" + slackEscape(m.Subject) + "*")
	if t := strings.TrimSpace(m.Text); t != "" {
		b.WriteString("\n" + slackEscape(t))
	}
	for i, l := range m.Links {
		if i == 0 {
			b.WriteString("\n")
		} else {
			b.WriteString(" · ")
		}
		// A URL with | or > would end the link early; those are escaped too.
		b.WriteString("<" + strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C").Replace(l.URL) + "|" + slackEscape(l.Title) + ">")
	}
	return b.String()
}

func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
