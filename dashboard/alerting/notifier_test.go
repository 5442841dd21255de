package alerting_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/alerting"
	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

var dataDir string

func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &dataDir)) }

func engine(t *testing.T, db string) queries.Engine { return enginetest.Migrated(t, dataDir, db) }

var incidentStart = time.Date(2012, 8, 8, 14, 0, 0, 0, time.UTC)

// incident stores an hour of Fetion→MSN bridge traffic with a 20-minute
// incident (40% failures) from minute 10 to 29, as the simulator's
// incidents look.
func incident(t *testing.T, e queries.Engine) {
	t.Helper()
	var traffic []imscope.BridgeSample
	for m := 0; m < 60; m++ {
		failures := uint64(2)
		if m >= 10 && m < 30 {
			failures = 400
		}
		traffic = append(traffic, imscope.BridgeSample{TS: incidentStart.Add(time.Duration(m) * time.Minute), Source: "t", Bridge: "fetion-msn", FromNetwork: "fetion", ToNetwork: "msn", Messages: 1000, Failures: failures})
	}
	if err := queries.InsertBridgeSamples(context.Background(), e, traffic); err != nil {
		t.Fatal(err)
	}
}

var (
	failing = analytics.Rule{Name: "fetion-msn-failing", Kind: analytics.RuleThreshold, Series: analytics.SeriesBridgeFailureRatio,
		Labels: map[string]string{"bridge": "fetion-msn"}, Op: analytics.OpGT, Threshold: 0.1, For: 5 * time.Minute}
	failures = analytics.Rule{Name: "fetion-msn-failures", Kind: analytics.RuleThreshold, Series: analytics.SeriesBridgeFailures,
		Labels: map[string]string{"bridge": "fetion-msn"}, Op: analytics.OpGT, Threshold: 300, For: 2 * time.Minute}
)

// hook is a webhook receiver that keeps each payload with the minute of
// the incident it arrived in.
type hook struct {
	mu     sync.Mutex
	minute int
	got    map[int][]notify.WebhookPayload
	ids    []string // X-Imscope-Delivery of every request, failed ones included
	fail   bool
	srv    *httptest.Server
}

func newHook(t *testing.T) *hook {
	h := &hook{got: map[int][]notify.WebhookPayload{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p notify.WebhookPayload
		if err := json.Unmarshal(b, &p); err != nil {
			t.Error(err)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if r.Header.Get("X-Imscope-Delivery") != p.ID {
			t.Errorf("X-Imscope-Delivery %q, payload id %q", r.Header.Get("X-Imscope-Delivery"), p.ID)
		}
		h.ids = append(h.ids, p.ID)
		if h.fail {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		h.got[h.minute] = append(h.got[h.minute], p)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// minutes returns the minutes notifications arrived in, with their status.
func (h *hook) minutes() map[int][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[int][]string{}
	for m, ps := range h.got {
		for _, p := range ps {
			var d alerting.Data
			b, _ := json.Marshal(p.Data)
			_ = json.Unmarshal(b, &d)
			out[m] = append(out[m], d.Status+":"+p.Summary)
		}
	}
	return out
}

// simulation evaluates the rules every minute of the incident hour, as
// serve does, and ticks the notifier after each evaluation; at minute 20
// imscope restarts (a new runner and notifier on the same database).
type simulation struct {
	t       *testing.T
	e       queries.Engine
	rules   []analytics.Rule
	hook    *hook
	opts    alerting.Options
	now     time.Time
	atStart func(minute int) // called before each minute's evaluation
}

func (s *simulation) run() {
	clock := func() time.Time { return s.now }
	w, err := notify.NewWebhook("ops", s.hook.srv.URL, notify.WebhookOptions{})
	if err != nil {
		s.t.Fatal(err)
	}
	s.opts.Engine, s.opts.Rules, s.opts.Now = s.e, s.rules, clock
	s.opts.Targets = []notify.Target{{Destination: w, Retry: notify.Retry{Attempts: 1}}}
	start := func() (*alerting.Runner, *alerting.Notifier) {
		return alerting.NewRunner(s.e, s.rules, alerting.RunnerOptions{Now: clock}), alerting.NewNotifier(s.opts)
	}
	runner, notifier := start()
	ctx := context.Background()
	for m := 1; m <= 59; m++ {
		s.now = incidentStart.Add(time.Duration(m)*time.Minute + 30*time.Second)
		s.hook.mu.Lock()
		s.hook.minute = m
		s.hook.mu.Unlock()
		if s.atStart != nil {
			s.atStart(m)
		}
		if m == 20 {
			runner, notifier = start()
		}
		if _, err := runner.Run(ctx); err != nil {
			s.t.Fatal(err)
		}
		if err := notifier.Tick(ctx); err != nil {
			s.t.Fatal(err)
		}
	}
}

func equalMinutes(t *testing.T, got, want map[int][]string) {
	t.Helper()
	ok := len(got) == len(want)
	for m, w := range want {
		if strings.Join(got[m], "|") != strings.Join(w, "|") {
			ok = false
		}
	}
	if !ok {
		t.Fatalf("notifications by minute:\n got %v\nwant %v", got, want)
	}
}

// TestBridgeIncidentNotifications: the incident fires the rule at minute
// 15; it is notified once, again after the 10-minute repeat interval (a
// restart at minute 20 sends nothing again), and its resolution at minute
// 30 is notified.
func TestBridgeIncidentNotifications(t *testing.T) {
	e := engine(t, "alerting_incident")
	incident(t, e)
	h := newHook(t)
	s := &simulation{t: t, e: e, rules: []analytics.Rule{failing}, hook: h,
		opts: alerting.Options{GroupWait: 0, RepeatInterval: 10 * time.Minute, SendResolved: true, PublicURL: "https://imscope.example.org"}}
	s.run()
	equalMinutes(t, h.minutes(), map[int][]string{
		15: {"firing:[FIRING:1] fetion-msn-failing"},
		25: {"firing:[FIRING:1] fetion-msn-failing"},
		30: {"resolved:[RESOLVED] fetion-msn-failing"},
	})
	p := h.got[15][0]
	if p.Event != "alert" || !strings.Contains(p.Text, "FIRING fetion-msn-failing since 2012-08-08 14:15 UTC") || len(p.Links) != 1 || p.Links[0].URL != "https://imscope.example.org/alerts" {
		t.Fatalf("payload %+v", p)
	}
	data, _ := json.Marshal(p.Data)
	if !strings.Contains(string(data), `"labels":{"bridge":"fetion-msn","kind":"threshold","rule":"fetion-msn-failing"}`) {
		t.Fatalf("data %s", data)
	}
	// The first notification, its repeat and the resolution are three
	// notifications: three ids.
	if ids := []string{h.got[15][0].ID, h.got[25][0].ID, h.got[30][0].ID}; ids[0] == ids[1] || ids[1] == ids[2] || ids[0] == ids[2] || len(ids[0]) != 36 {
		t.Fatalf("ids %q", ids)
	}
}

// TestGroupedNotifications: two rules on the same bridge, grouped by the
// bridge label with a 5-minute group wait: the first fires at minute 12,
// the second at 15, and both go out together at 17; they resolve together
// at 30 and that goes out at 35.
func TestGroupedNotifications(t *testing.T) {
	e := engine(t, "alerting_grouped")
	incident(t, e)
	h := newHook(t)
	s := &simulation{t: t, e: e, rules: []analytics.Rule{failing, failures}, hook: h,
		opts: alerting.Options{GroupBy: []string{"bridge"}, GroupWait: 5 * time.Minute, RepeatInterval: time.Hour, SendResolved: true}}
	s.run()
	equalMinutes(t, h.minutes(), map[int][]string{
		17: {"firing:[FIRING:2] fetion-msn-failing, fetion-msn-failures"},
		35: {"resolved:[RESOLVED] fetion-msn-failing, fetion-msn-failures"},
	})
}

// TestSilence: a silence on the bridge from before the incident holds every
// notification back; expired at minute 22 while the rule still fires, the
// firing is notified then, and later the resolution. Both changes are in
// the audit log with who made them.
func TestSilence(t *testing.T) {
	ctx := context.Background()
	e := engine(t, "alerting_silence")
	incident(t, e)
	h := newHook(t)
	var silence alerting.Silence
	s := &simulation{t: t, e: e, rules: []analytics.Rule{failing}, hook: h,
		opts: alerting.Options{RepeatInterval: time.Hour, SendResolved: true}}
	s.atStart = func(m int) {
		var err error
		switch m {
		case 1:
			silence, err = alerting.CreateSilence(ctx, e, alerting.SilenceRequest{Matchers: []string{`bridge="fetion-msn"`, "rule=~fetion-.*"}, EndsAt: s.now.Add(time.Hour), Comment: "planned maintenance"}, "alice", s.now)
		case 22:
			_, err = alerting.ExpireSilence(ctx, e, silence.ID, "bob", s.now)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	s.run()
	equalMinutes(t, h.minutes(), map[int][]string{
		22: {"firing:[FIRING:1] fetion-msn-failing"},
		30: {"resolved:[RESOLVED] fetion-msn-failing"},
	})
	audit, err := queries.SilenceChanges(ctx, e, incidentStart, incidentStart.Add(2*time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 2 || audit[0].Action != "expire" || audit[0].Actor != "bob" || audit[1].Action != "create" || audit[1].Actor != "alice" ||
		audit[1].Comment != "planned maintenance" || strings.Join(audit[1].Matchers, " ") != `bridge="fetion-msn" rule=~"fetion-.*"` {
		t.Fatalf("audit log %+v", audit)
	}
	if _, err := alerting.ExpireSilence(ctx, e, silence.ID, "bob", s.now); err != alerting.ErrNoSilence {
		t.Fatalf("expiring it twice: %v", err)
	}
	if left, err := alerting.Silences(ctx, e, s.now); err != nil || len(left) != 0 {
		t.Fatalf("silences left: %+v, %v", left, err)
	}
}

// TestFailedNotificationIsRetried: a receiver that is down when the rule
// fires gets the notification on a later tick, once it is back, and the
// failure is in the delivery log.
func TestFailedNotificationIsRetried(t *testing.T) {
	e := engine(t, "alerting_retry")
	incident(t, e)
	h := newHook(t)
	s := &simulation{t: t, e: e, rules: []analytics.Rule{failing}, hook: h, opts: alerting.Options{RepeatInterval: time.Hour}}
	s.atStart = func(m int) {
		h.mu.Lock()
		h.fail = m >= 15 && m < 18 // down for three minutes
		h.mu.Unlock()
	}
	s.run()
	// Failed at 15, 16 and 17 (RetryFailedAfter, a minute, apart); sent at 18.
	equalMinutes(t, h.minutes(), map[int][]string{18: {"firing:[FIRING:1] fetion-msn-failing"}})
	log, err := queries.AlertNotificationLog(context.Background(), e, incidentStart)
	if err != nil || len(log) != 1 || log[0].LastFailed.IsZero() || log[0].LastFiring.Sub(log[0].LastFailed) != time.Minute {
		t.Fatalf("delivery log %+v, %v", log, err)
	}
	// The three failed attempts and the one that got through are one
	// notification: the receiver may have got a "failed" one (a timeout),
	// and drops the later ones by their id.
	if len(h.ids) != 4 || h.ids[0] != h.ids[1] || h.ids[1] != h.ids[2] || h.ids[2] != h.ids[3] {
		t.Fatalf("ids %q", h.ids)
	}
}

// TestInterruptedNotificationKeepsItsID: a notification cut off by shutdown
// (the receiver had the request and had not answered) is not recorded; the
// notifier of the next start sends it at once under the same id, and
// records it.
func TestInterruptedNotificationKeepsItsID(t *testing.T) {
	e := engine(t, "alerting_interrupted")
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if err := queries.InsertAlertEvents(ctx, e, []queries.AlertEvent{{TS: at, Rule: failing.Name, Kind: string(failing.Kind), Firing: true, Value: 0.4, Message: "failure ratio 0.4", Labels: failing.Labels}}); err != nil {
		t.Fatal(err)
	}
	arrived := make(chan string, 4)
	release := make(chan struct{})
	var calls int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		arrived <- r.Header.Get("X-Imscope-Delivery")
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first { // the first request hangs until the test lets it go
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	w, err := notify.NewWebhook("ops", srv.URL, notify.WebhookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opts := alerting.Options{Engine: e, Rules: []analytics.Rule{failing}, Targets: []notify.Target{{Destination: w, Retry: notify.Retry{Attempts: 3}}},
		Now: func() time.Time { return at.Add(time.Minute) }}

	stop, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- alerting.NewNotifier(opts).Tick(stop) }()
	first := <-arrived
	cancel() // shutdown, while the receiver holds the request
	if err := <-done; err != nil {
		t.Fatalf("tick: %v", err)
	}
	if log, err := queries.AlertNotificationLog(ctx, e, at); err != nil || len(log) != 0 {
		t.Fatalf("the interrupted notification was recorded: %+v, %v", log, err)
	}
	if err := alerting.NewNotifier(opts).Tick(ctx); err != nil { // the next start
		t.Fatal(err)
	}
	if again := <-arrived; again != first || len(first) != 36 {
		t.Fatalf("sent again as %q, first as %q", again, first)
	}
	log, err := queries.AlertNotificationLog(ctx, e, at)
	if err != nil || len(log) != 1 || log[0].LastFiring.IsZero() {
		t.Fatalf("delivery log %+v, %v", log, err)
	}
}

func TestParseMatcher(t *testing.T) {
	labels := map[string]string{"rule": "fetion-msn-failing", "bridge": "fetion-msn"}
	for _, tc := range []struct {
		in      string
		matches bool
		bad     bool
	}{
		{in: "rule=fetion-msn-failing", matches: true},
		{in: `bridge="fetion-msn"`, matches: true},
		{in: "bridge!=fetion-msn"},
		{in: "bridge=~fetion-.*", matches: true},
		{in: "bridge=~fetion", matches: false}, // whole value
		{in: "bridge!~qq-.*", matches: true},
		{in: "segment=", matches: true}, // a missing label is ""
		{in: "=x", bad: true},
		{in: "bridge", bad: true},
		{in: "bri dge=x", bad: true},
		{in: "bridge=~(", bad: true},
	} {
		m, err := alerting.ParseMatcher(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("%q: err %v", tc.in, err)
			continue
		}
		if err == nil && m.Matches(labels) != tc.matches {
			t.Errorf("%q matches %v, want %v", tc.in, !tc.matches, tc.matches)
		}
	}
}
