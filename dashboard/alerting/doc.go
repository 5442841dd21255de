// Package alerting is the alert lifecycle after a rule's maths: the Runner
// evaluates the configured rules (analytics.Evaluate) on inputs it reads
// from ClickHouse, keeps each rule's state and records every firing and
// resolved transition in alert_events; the Notifier delivers those
// transitions to webhook and e-mail destinations (package notify), grouped,
// repeated while still firing, and held back by silences.
//
// The Runner's states live in memory and are restored from alert_events at
// its first run, so a restart neither re-fires a firing rule nor forgets it.
//
// The Notifier keeps no state of its own. Each Tick it reads each rule's
// latest transition from alert_events and, from alert_notifications, what
// was already sent for that firing episode to each destination, and sends
// what is due; then records what it sent. So a restart, or a second tick
// that finds nothing new, never sends a notification twice, and a
// notification that failed is tried again on a later tick.
//
// Silences are matchers on an alert's labels (its rule's labels, plus
// "rule" and "kind") for a time window, created and expired by an admin.
// Every change is a row naming who made it (alert_silences), so the same
// table is the silences' state and their audit log.
package alerting
