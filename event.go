package imscope

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is something that happened in the market — a product war, a
// bridge opening, a publisher changing its method — that analysts explain
// curves with. It is drawn on the time charts it falls in.
type Event struct {
	// ID identifies the event: deletion names it, and storing an event
	// with a stored ID replaces the stored one (a correction).
	ID string
	// At is when it happened; with DateOnly it is a day (its midnight UTC)
	// and is shown as a date.
	At       time.Time
	DateOnly bool
	Title    string
	// Description and Link say more: a sentence and a source.
	Description string
	Link        string
	// Networks and Bridges the event is about (catalog ids and bridge
	// ids): a chart showing none of them leaves the event out. Empty: the
	// whole market, drawn on every chart.
	Networks []string
	Bridges  []string
}

// EventID is the ID an event without one gets: derived from when and what,
// so that importing the same file twice stores each event once, and a
// corrected description replaces the stored one.
func EventID(at time.Time, title string) string {
	sum := sha256.Sum256([]byte(at.UTC().Format(time.RFC3339Nano) + "\x00" + title))
	return hex.EncodeToString(sum[:8])
}

// Concerns reports whether the event belongs on a view of networks and
// bridges. An event naming no network and no bridge concerns every view;
// a view limited to neither (both nil) shows every event; otherwise the
// event must name one of the view's networks or bridges.
func (e Event) Concerns(networks, bridges []string) bool {
	if (len(e.Networks) == 0 && len(e.Bridges) == 0) || (networks == nil && bridges == nil) {
		return true
	}
	for _, n := range e.Networks {
		if slices.Contains(networks, n) {
			return true
		}
	}
	for _, b := range e.Bridges {
		if slices.Contains(bridges, b) {
			return true
		}
	}
	return false
}

// Bounds of an event's text: a title is a chart label, a description a
// sentence or two; an event names a few networks or bridges.
const (
	MaxEventTitle       = 200  // characters
	MaxEventDescription = 2000 // characters
	MaxEventIDs         = 32
)

// eventIDRE is what an event id and the ids it names may be: they are
// used in URLs (DELETE /api/v1/events/ID) and filters.
var eventIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ValidEventID reports whether s may be an event's ID or an id it names.
func ValidEventID(s string) bool { return eventIDRE.MatchString(s) }

// Check trims the event's text and checks it, naming the first bad field
// in an *InvalidError (title, description, link, networks, bridges, id);
// an event without an ID gets EventID's.
func (e *Event) Check() error {
	e.Title, e.Description, e.Link, e.ID = strings.TrimSpace(e.Title), strings.TrimSpace(e.Description), strings.TrimSpace(e.Link), strings.TrimSpace(e.ID)
	switch n := utf8.RuneCountInString(e.Title); {
	case n == 0:
		return &InvalidError{Param: "title", Message: "required"}
	case n > MaxEventTitle:
		return &InvalidError{Param: "title", Message: fmt.Sprintf("%d characters, more than %d", n, MaxEventTitle)}
	}
	if n := utf8.RuneCountInString(e.Description); n > MaxEventDescription {
		return &InvalidError{Param: "description", Message: fmt.Sprintf("%d characters, more than %d", n, MaxEventDescription)}
	}
	if !utf8.ValidString(e.Title) || !utf8.ValidString(e.Description) || !utf8.ValidString(e.Link) {
		return &InvalidError{Param: "title", Message: "not UTF-8 text"}
	}
	if e.Link != "" {
		if u, err := url.Parse(e.Link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &InvalidError{Param: "link", Message: "not an http or https address"}
		}
	}
	for _, l := range []struct {
		param string
		ids   []string
	}{{"networks", e.Networks}, {"bridges", e.Bridges}} {
		if len(l.ids) > MaxEventIDs {
			return &InvalidError{Param: l.param, Message: fmt.Sprintf("%d ids, more than %d", len(l.ids), MaxEventIDs)}
		}
		for _, id := range l.ids {
			if !ValidEventID(id) {
				return &InvalidError{Param: l.param, Message: fmt.Sprintf("%q is not an id (letters, digits, '.', '_' and '-')", id)}
			}
		}
	}
	if e.At.IsZero() {
		return &InvalidError{Param: "date", Message: "required"}
	}
	if e.ID == "" {
		e.ID = EventID(e.At, e.Title)
	} else if !ValidEventID(e.ID) {
		return &InvalidError{Param: "id", Message: "not an id (at most 64 letters, digits, '.', '_' and '-')"}
	}
	return nil
}
