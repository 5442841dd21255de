package queries

import (
	"context"
	"fmt"
	"time"
)

var (
	sqlAlertCurrent             = mustSQL("alert_current.sql")
	sqlAlertNotificationsLog    = mustSQL("alert_notifications_log.sql")
	sqlAlertNotificationsRecent = mustSQL("alert_notifications_recent.sql")
	sqlAlertNotificationsCount  = mustSQL("alert_notifications_count.sql")
	sqlAlertSilencesState       = mustSQL("alert_silences_state.sql")
	sqlAlertSilencesAudit       = mustSQL("alert_silences_audit.sql")
)

// AlertCurrent is a rule's latest transition, with its labels and the start
// of its latest firing episode.
type AlertCurrent struct {
	Rule    string
	Kind    string
	Firing  bool
	Since   time.Time // the latest transition
	FiredAt time.Time // the latest firing transition; zero if it never fired
	Value   float64
	Message string
	Labels  map[string]string
}

// CurrentAlerts returns each rule's latest transition.
func CurrentAlerts(ctx context.Context, e Engine) ([]AlertCurrent, error) {
	rows, err := e.Query(ctx, sqlAlertCurrent)
	if err != nil {
		return nil, fmt.Errorf("cannot read alert states: %w", err)
	}
	defer rows.Close()
	var out []AlertCurrent
	for rows.Next() {
		var a AlertCurrent
		if err := rows.Scan(&a.Rule, &a.Kind, &a.Firing, &a.Since, &a.FiredAt, &a.Value, &a.Message, &a.Labels); err != nil {
			return nil, fmt.Errorf("cannot read alert states: %w", err)
		}
		a.FiredAt = notEpoch(a.FiredAt)
		out = append(out, a)
	}
	return out, rows.Err()
}

// notEpoch turns the epoch that maxIf over no rows gives into the zero time.
func notEpoch(t time.Time) time.Time {
	if t.Unix() <= 0 {
		return time.Time{}
	}
	return t
}

// AlertNotification is one alert in one notification to one destination.
type AlertNotification struct {
	SentAt         time.Time
	NotificationID string
	Rule           string
	Episode        time.Time // the firing transition the notification is about
	State          string    // firing or resolved
	Destination    string
	GroupKey       string
	Status         string // ok or failed
	Attempts       int
	Error          string
}

// InsertAlertNotifications records notifications sent or attempted.
func InsertAlertNotifications(ctx context.Context, e Engine, ns []AlertNotification) error {
	cols := []string{"sent_at", "notification_id", "rule", "episode", "state", "destination", "group_key", "status", "attempts", "error"}
	return send(ctx, e, "alert_notifications", cols, len(ns), func(dst []any, i int) []any {
		n := ns[i]
		return append(dst, n.SentAt, n.NotificationID, n.Rule, n.Episode, n.State, n.Destination, n.GroupKey, n.Status, uint16(min(max(n.Attempts, 0), 1<<16-1)), n.Error)
	})
}

// AlertNotified is what the delivery log says about one rule's episode at
// one destination.
type AlertNotified struct {
	Rule        string
	Destination string
	Episode     time.Time
	// LastFiring and LastResolved are when a firing (or repeat) and a
	// resolved notification last went out; LastFailed the latest failed
	// attempt. Zero: never.
	LastFiring, LastResolved, LastFailed time.Time
}

// AlertNotificationLog returns the delivery log of episodes that began at
// or after from.
func AlertNotificationLog(ctx context.Context, e Engine, from time.Time) ([]AlertNotified, error) {
	rows, err := e.Query(ctx, sqlAlertNotificationsLog, Named("from", from))
	if err != nil {
		return nil, fmt.Errorf("cannot read alert notifications: %w", err)
	}
	defer rows.Close()
	var out []AlertNotified
	for rows.Next() {
		var n AlertNotified
		if err := rows.Scan(&n.Rule, &n.Destination, &n.Episode, &n.LastFiring, &n.LastResolved, &n.LastFailed); err != nil {
			return nil, fmt.Errorf("cannot read alert notifications: %w", err)
		}
		n.LastFiring, n.LastResolved, n.LastFailed = notEpoch(n.LastFiring), notEpoch(n.LastResolved), notEpoch(n.LastFailed)
		out = append(out, n)
	}
	return out, rows.Err()
}

// AlertNotificationSent is one notification to one destination as the
// delivery log has it: one attempt (Deliver's own retries included) that
// went out or failed, with the rules it carried.
type AlertNotificationSent struct {
	SentAt         time.Time
	NotificationID string
	Destination    string
	GroupKey       string
	Status         string // ok or failed
	Attempts       int
	Error          string
	Rules          []string // sorted
	Firing         int      // alerts it carried firing
	Resolved       int      // and resolved
}

// AlertNotificationsSent returns the notifications sent or attempted in
// [from, to), newest first: at most limit, after skipping offset.
func AlertNotificationsSent(ctx context.Context, e Engine, from, to time.Time, limit, offset int) ([]AlertNotificationSent, error) {
	rows, err := e.Query(ctx, sqlAlertNotificationsRecent, Named("from", from), Named("to", to), Named("limit", uint32(max(limit, 0))), Named("offset", uint32(max(offset, 0))))
	if err != nil {
		return nil, fmt.Errorf("cannot read alert notifications: %w", err)
	}
	defer rows.Close()
	var out []AlertNotificationSent
	for rows.Next() {
		var n AlertNotificationSent
		if err := rows.Scan(&n.SentAt, &n.NotificationID, &n.Destination, &n.GroupKey, &n.Status, &n.Attempts, &n.Error, &n.Rules, &n.Firing, &n.Resolved); err != nil {
			return nil, fmt.Errorf("cannot read alert notifications: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// CountAlertNotificationsSent counts what AlertNotificationsSent lists in
// [from, to) without a limit.
func CountAlertNotificationsSent(ctx context.Context, e Engine, from, to time.Time) (int, error) {
	rows, err := e.Query(ctx, sqlAlertNotificationsCount, Named("from", from), Named("to", to))
	if err != nil {
		return 0, fmt.Errorf("cannot count alert notifications: %w", err)
	}
	defer rows.Close()
	var n int
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("cannot count alert notifications: %w", err)
		}
	}
	return n, rows.Err()
}

// SilenceChange is one change to a silence: its state after the change, who
// made it and when. The silences table holds only these, so it is both the
// silences' state and their audit log.
type SilenceChange struct {
	ChangedAt time.Time
	SilenceID string
	Action    string // create or expire
	Actor     string
	Matchers  []string
	StartsAt  time.Time
	EndsAt    time.Time
	Comment   string
}

// InsertSilenceChange records a change to a silence.
func InsertSilenceChange(ctx context.Context, e Engine, c SilenceChange) error {
	cols := []string{"changed_at", "silence_id", "action", "actor", "matchers", "starts_at", "ends_at", "comment"}
	return send(ctx, e, "alert_silences", cols, 1, func(dst []any, _ int) []any {
		return append(dst, c.ChangedAt, c.SilenceID, c.Action, c.Actor, nonNil(c.Matchers), c.StartsAt, c.EndsAt, c.Comment)
	})
}

// SilenceState is a silence as it stands after its latest change.
type SilenceState struct {
	SilenceID string
	Matchers  []string
	StartsAt  time.Time
	EndsAt    time.Time
	Comment   string
	CreatedBy string
	CreatedAt time.Time
	ChangedAt time.Time // the latest change
}

// SilenceStates returns the silences that end at or after from, latest
// starting first.
func SilenceStates(ctx context.Context, e Engine, from time.Time) ([]SilenceState, error) {
	rows, err := e.Query(ctx, sqlAlertSilencesState, Named("from", from))
	if err != nil {
		return nil, fmt.Errorf("cannot read silences: %w", err)
	}
	defer rows.Close()
	var out []SilenceState
	for rows.Next() {
		var s SilenceState
		if err := rows.Scan(&s.SilenceID, &s.Matchers, &s.StartsAt, &s.EndsAt, &s.Comment, &s.CreatedBy, &s.CreatedAt, &s.ChangedAt); err != nil {
			return nil, fmt.Errorf("cannot read silences: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SilenceChanges returns the silence audit log in [from, to), newest first.
func SilenceChanges(ctx context.Context, e Engine, from, to time.Time, limit int) ([]SilenceChange, error) {
	rows, err := e.Query(ctx, sqlAlertSilencesAudit, Named("from", from), Named("to", to), Named("limit", uint32(limit)))
	if err != nil {
		return nil, fmt.Errorf("cannot read the silence audit log: %w", err)
	}
	defer rows.Close()
	var out []SilenceChange
	for rows.Next() {
		var c SilenceChange
		if err := rows.Scan(&c.ChangedAt, &c.SilenceID, &c.Action, &c.Actor, &c.Matchers, &c.StartsAt, &c.EndsAt, &c.Comment); err != nil {
			return nil, fmt.Errorf("cannot read the silence audit log: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
