package alerting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/queries"
)

// Defaults of Options.
const (
	DefaultGroupWait      = 30 * time.Second
	DefaultRepeatInterval = 4 * time.Hour
	// RetryFailedAfter is how long a notification that failed (after its
	// destination's own retries) waits before a later tick tries it again.
	RetryFailedAfter = time.Minute
)

// Options configure a Notifier.
type Options struct {
	Engine queries.Engine
	// Rules are the configured alert rules; transitions of other rules
	// (removed from the configuration) are not notified.
	Rules []analytics.Rule
	// Targets are the destinations every notification goes to.
	Targets []notify.Target
	// GroupBy names the labels whose values make a group ("rule" and
	// "kind" included): alerts of one group go out in one notification.
	// Default: rule.
	GroupBy []string
	// GroupWait holds a group's first notification this long after its
	// first alert fired (and a resolution this long after it resolved), so
	// alerts firing together arrive together.
	GroupWait time.Duration
	// RepeatInterval resends a group while it is still firing.
	RepeatInterval time.Duration
	// SendResolved notifies resolutions of alerts that were notified firing.
	SendResolved bool
	// PublicURL is the dashboard's address, for a link to its alerts page.
	PublicURL string
	Now       func() time.Time
	Logger    *slog.Logger
}

// Notifier sends alert notifications; call Tick after every evaluation of
// the rules, or on its own interval.
type Notifier struct {
	opts  Options
	rules map[string]analytics.Rule
	mu    sync.Mutex // one Tick at a time
}

// NewNotifier returns a notifier; zero durations take the defaults.
func NewNotifier(opts Options) *Notifier {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if len(opts.GroupBy) == 0 {
		opts.GroupBy = []string{"rule"}
	}
	if opts.GroupWait < 0 {
		opts.GroupWait = 0
	}
	if opts.RepeatInterval <= 0 {
		opts.RepeatInterval = DefaultRepeatInterval
	}
	rules := map[string]analytics.Rule{}
	for _, r := range opts.Rules {
		rules[r.Name] = r
	}
	return &Notifier{opts: opts, rules: rules}
}

// Alert is one rule's current firing episode, as notifications carry it.
type Alert struct {
	Rule       string            `json:"rule"`
	Kind       string            `json:"kind"`
	State      string            `json:"state"`                 // firing or resolved
	Since      time.Time         `json:"since"`                 // when the firing episode began
	ResolvedAt *time.Time        `json:"resolved_at,omitempty"` // when it resolved
	Value      float64           `json:"value"`
	Message    string            `json:"message"`
	Labels     map[string]string `json:"labels"`
	silenced   bool
	group      string
}

// logKey finds an alert's episode in the delivery log.
type logKey struct {
	rule, dest string
	episode    int64 // Unix milliseconds, the log's precision
}

// Tick sends every notification that is due and records it. It returns an
// error when the state cannot be read or what was sent cannot be recorded;
// a destination that fails is recorded, logged and tried again later.
func (n *Notifier) Tick(ctx context.Context) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := n.opts.Now()
	alerts, err := n.alerts(ctx, now)
	if err != nil || len(alerts) == 0 {
		return err
	}
	from := alerts[0].Since
	for _, a := range alerts {
		from = minTime(from, a.Since)
	}
	entries, err := queries.AlertNotificationLog(ctx, n.opts.Engine, from)
	if err != nil {
		return err
	}
	sent := map[logKey]queries.AlertNotified{}
	for _, e := range entries {
		sent[logKey{e.Rule, e.Destination, e.Episode.UnixMilli()}] = e
	}
	errs := make([]error, len(n.opts.Targets))
	var wg sync.WaitGroup
	for i, t := range n.opts.Targets {
		// Each destination on its own: one that is down, and retrying, does
		// not delay the others.
		wg.Go(func() { errs[i] = n.deliver(ctx, t, alerts, sent, now) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// alerts reads the configured rules' latest transitions that belong to a
// firing episode, with their labels, groups and silences.
func (n *Notifier) alerts(ctx context.Context, now time.Time) ([]Alert, error) {
	cur, err := queries.CurrentAlerts(ctx, n.opts.Engine)
	if err != nil {
		return nil, err
	}
	silences, err := Silences(ctx, n.opts.Engine, now)
	if err != nil {
		return nil, err
	}
	var out []Alert
	for _, c := range cur {
		rule, ok := n.rules[c.Rule]
		if !ok || c.FiredAt.IsZero() {
			continue
		}
		labels := maps.Clone(rule.Labels)
		if labels == nil {
			labels = map[string]string{}
		}
		labels["rule"], labels["kind"] = rule.Name, string(rule.Kind)
		a := Alert{Rule: c.Rule, Kind: c.Kind, State: "firing", Since: c.FiredAt, Value: c.Value, Message: c.Message, Labels: labels}
		if !c.Firing {
			a.State, a.ResolvedAt = "resolved", &c.Since
		}
		for _, s := range silences {
			if s.Active(now) && s.Mutes(labels) {
				a.silenced = true
			}
		}
		parts := make([]string, len(n.opts.GroupBy))
		for i, k := range n.opts.GroupBy {
			parts[i] = k + "=" + labels[k]
		}
		a.group = strings.Join(parts, ",")
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Alert) int { return strings.Compare(a.Rule, b.Rule) })
	return out, nil
}

// deliver sends each due group to one destination and records it.
//
// An alert is pending at a destination when it fires and was not notified
// for this episode (due GroupWait after it fired), fires and was last
// notified RepeatInterval ago (due now), or resolved after it was notified
// firing (due GroupWait after it resolved; only with SendResolved). A
// silenced alert is never pending. A group is sent once any of its alerts
// is due, and then carries all its firing alerts and all its pending
// resolutions, so alerts of one group stay in step.
func (n *Notifier) deliver(ctx context.Context, t notify.Target, alerts []Alert, sent map[logKey]queries.AlertNotified, now time.Time) error {
	dest := t.Destination.Name()
	type group struct {
		due     bool
		members []Alert
	}
	groups := map[string]*group{}
	var keys []string
	for _, a := range alerts {
		if a.silenced {
			continue
		}
		log := sent[logKey{a.Rule, dest, a.Since.UnixMilli()}]
		last := maxTime(log.LastFiring, log.LastResolved)
		if !log.LastFailed.IsZero() && log.LastFailed.After(last) && now.Sub(log.LastFailed) < RetryFailedAfter {
			continue // failed a moment ago: give the destination a rest
		}
		var member, due bool
		switch {
		case a.State == "firing" && log.LastFiring.IsZero():
			member, due = true, !now.Before(a.Since.Add(n.opts.GroupWait))
		case a.State == "firing":
			member, due = true, now.Sub(log.LastFiring) >= n.opts.RepeatInterval
		case n.opts.SendResolved && !log.LastFiring.IsZero() && log.LastResolved.IsZero():
			member, due = true, !now.Before(a.ResolvedAt.Add(n.opts.GroupWait))
		}
		if !member {
			continue
		}
		g := groups[a.group]
		if g == nil {
			g = &group{}
			groups[a.group] = g
			keys = append(keys, a.group)
		}
		g.due = g.due || due
		g.members = append(g.members, a)
	}
	var errs []error
	for _, key := range keys {
		g := groups[key]
		if !g.due {
			continue
		}
		m := n.message(notificationID(dest, key, g.members, sent), key, g.members, now)
		res := notify.Deliver(ctx, []notify.Target{t}, m, n.opts.Logger)[0]
		if res.Err != nil && ctx.Err() != nil {
			// Cut off by shutdown: the receiver may have it, or not. Not
			// recorded, so the next start sends it at once, under the same
			// id (notificationID), for the receiver to drop if it has it.
			n.opts.Logger.Warn("alert notification interrupted by shutdown; the next start sends it again with the same id",
				"destination", dest, "group", key, "id", m.ID, "err", res.Err)
			continue
		}
		rows := make([]queries.AlertNotification, len(g.members))
		for i, a := range g.members {
			rows[i] = queries.AlertNotification{SentAt: now, NotificationID: m.ID, Rule: a.Rule, Episode: a.Since, State: a.State,
				Destination: dest, GroupKey: key, Status: "ok", Attempts: res.Attempts}
			if res.Err != nil {
				rows[i].Status, rows[i].Error = "failed", res.Err.Error()
			}
		}
		if err := queries.InsertAlertNotifications(context.WithoutCancel(ctx), n.opts.Engine, rows); err != nil {
			errs = append(errs, fmt.Errorf("cannot record the notification to %s: %w", dest, err))
		}
		if res.Err == nil {
			n.opts.Logger.Info("alert notification sent", "destination", dest, "group", key, "alerts", len(g.members))
		}
	}
	return errors.Join(errs...)
}

// notificationNamespace is the UUID namespace of notification ids.
var notificationNamespace = uuid.MustParse("0c3b1f8e-6a43-4d55-9f3e-4f1f2a7d9b10")

// notificationID derives a notification's id from what the notification is
// — its destination, group, and each member's rule, firing episode, state
// and when it was last notified there — rather than drawing it at random.
// Whatever sends this notification again before it is recorded as sent (a
// retry a minute after a failure, a restart after shutdown cut an attempt
// off, a crash) therefore sends it under the same id, so receivers that
// drop ids they have seen drop it; a repeat, a resolution or a new member
// makes another notification and another id. A UUID (version 5), as the
// log's notification_id column holds.
func notificationID(dest, key string, members []Alert, sent map[logKey]queries.AlertNotified) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q %q", dest, key)
	for _, a := range members {
		log := sent[logKey{a.Rule, dest, a.Since.UnixMilli()}]
		fmt.Fprintf(&b, "\n%q %d %s %d %d", a.Rule, a.Since.UnixMilli(), a.State, millis(log.LastFiring), millis(log.LastResolved))
	}
	return uuid.NewSHA1(notificationNamespace, []byte(b.String())).String()
}

// millis is t in Unix milliseconds, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
