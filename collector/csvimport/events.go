package csvimport

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// eventMapper maps date,title,description,networks,bridges,link,id rows
// onto Events.
type eventMapper struct{}

func (m *eventMapper) add(r *row, b *collector.Batch) {
	rawDate := strings.TrimSpace(r.cell(evDate))
	at, err := parseTS(rawDate)
	switch {
	case rawDate == "":
		r.fail(evDate, "empty")
	case err != nil:
		r.fail(evDate, "%s %v", r.show(rawDate), err)
	}
	ev := imscope.Event{
		At:          at,
		DateOnly:    len(rawDate) == len(time.DateOnly),
		Title:       strings.TrimSpace(r.label(evTitle, true)),
		Description: strings.TrimSpace(r.label(evDescription, false)),
		Link:        strings.TrimSpace(r.label(evLink, false)),
		Networks:    eventNames(r, evNetworks),
		Bridges:     eventNames(r, evBridges),
		ID:          strings.TrimSpace(r.label(evID, false)),
	}
	if n := utf8.RuneCountInString(ev.Title); n > imscope.MaxEventTitle {
		r.fail(evTitle, "%d characters, more than %d", n, imscope.MaxEventTitle)
	}
	if n := utf8.RuneCountInString(ev.Description); n > imscope.MaxEventDescription {
		r.fail(evDescription, "%d characters, more than %d", n, imscope.MaxEventDescription)
	}
	if ev.Link != "" {
		if u, err := url.Parse(ev.Link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			r.fail(evLink, "%s is not an http or https address", r.show(ev.Link))
		}
	}
	if ev.ID != "" && !imscope.ValidEventID(ev.ID) {
		r.fail(evID, "%s is not an id (at most 64 letters, digits, '.', '_' and '-')", r.show(ev.ID))
	}
	if len(r.errs) > 0 {
		return
	}
	if ev.ID == "" {
		ev.ID = imscope.EventID(ev.At, ev.Title)
	}
	ev.Title, ev.Description, ev.Link, ev.ID = strings.Clone(ev.Title), strings.Clone(ev.Description), strings.Clone(ev.Link), strings.Clone(ev.ID)
	b.Events = append(b.Events, ev)
}

// eventNames reads a list of ids separated by spaces, commas or
// semicolons ("qq 360" or "qq;360"); empty is none.
func eventNames(r *row, c int) []string {
	raw := r.label(c, false)
	var out []string
	for _, f := range strings.FieldsFunc(raw, func(c rune) bool { return c == ' ' || c == ',' || c == ';' || c == '\t' }) {
		if !imscope.ValidEventID(f) {
			r.fail(c, "%s is not an id (letters, digits, '.', '_' and '-'); separate ids with spaces or ;", r.show(f))
			return nil
		}
		out = append(out, strings.Clone(f))
	}
	if len(out) > imscope.MaxEventIDs {
		r.fail(c, "%d ids, more than %d", len(out), imscope.MaxEventIDs)
		return nil
	}
	return out
}
