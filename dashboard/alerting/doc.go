// Package alerting delivers alert notifications: the firing and resolved
// transitions that analytics.AlertRunner records in alert_events go to
// webhook and e-mail destinations (package notify), grouped, repeated while
// still firing, and held back by silences.
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
