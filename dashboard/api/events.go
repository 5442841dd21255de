package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/queries"
)

// Events: what happened in the market (a product war, a bridge opening, a
// publisher changing its method), listed for everyone and drawn on the
// pages' time charts; the admin adds and deletes them (imports add them
// too: `imscope import events`).

// Event is an event as the API shows it.
type Event struct {
	ID          string    `json:"id"`
	At          time.Time `json:"at"`
	Date        string    `json:"date"`      // YYYY-MM-DD, or the RFC 3339 time when not DateOnly
	DateOnly    bool      `json:"date_only"` // a day, not a moment
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Networks    []string  `json:"networks"` // empty: the whole market
	Bridges     []string  `json:"bridges"`
	Link        string    `json:"link"`
}

// EventsData answers /events.
type EventsData struct {
	Events []Event `json:"events"` // oldest first
}

// Rows gives the cells of the CSV table, in its declared columns.
func (d EventsData) Rows(string) [][]any {
	var out [][]any
	for _, e := range d.Events {
		out = append(out, []any{e.ID, e.Date, e.DateOnly, e.Title, e.Description, e.Networks, e.Bridges, e.Link})
	}
	return out
}

// toEventJSON shows a stored event.
func toEventJSON(e imscope.Event) Event {
	date := e.At.UTC().Format(time.RFC3339)
	if e.DateOnly {
		date = e.At.UTC().Format(time.DateOnly)
	}
	return Event{ID: e.ID, At: e.At.UTC(), Date: date, DateOnly: e.DateOnly, Title: e.Title, Description: e.Description,
		Networks: nonNil(e.Networks), Bridges: nonNil(e.Bridges), Link: e.Link}
}

// Imscope is the event as the domain has it, for the pages' charts.
func (e Event) Imscope() imscope.Event {
	return imscope.Event{ID: e.ID, At: e.At, DateOnly: e.DateOnly, Title: e.Title, Description: e.Description, Networks: e.Networks, Bridges: e.Bridges, Link: e.Link}
}

// ParamEventBridges limits /events to events about some bridges.
const ParamEventBridges = "bridges"

// maxEvents bounds one answer: events are a handful per year.
const maxEvents = 1000

var eventsEndpoint = &Endpoint{
	Path:    "/events",
	Summary: "Market events drawn on the charts",
	Description: "Events in [from, to) (default: all), oldest first, at most 1,000. `networks` and `bridges` keep the events about at least one of them, " +
		"and the events about the whole market (naming neither); without them every event is listed.",
	Uses: []string{ParamFrom, ParamTo, ParamNetworks},
	Params: []paramDoc{
		{Name: ParamEventBridges, Type: "string", Doc: "bridge ids, comma-separated: events about one of them, or about the whole market"},
	},
	Tables: []Table{
		{Name: "events", Doc: "one row per event, oldest first", Columns: []Column{
			{"id", "string", "event id"},
			{"date", "string", "YYYY-MM-DD, or an RFC 3339 time"},
			{"date_only", "boolean", "a day rather than a moment"},
			{"title", "string", "what happened"},
			{"description", "string", "more about it"},
			{"networks", "string", "network ids it is about, ;-separated; empty: the whole market"},
			{"bridges", "string", "bridge ids it is about, ;-separated"},
			{"link", "string", "a source"},
		}},
	},
	Data: EventsData{},
}

type eventsParams struct {
	from, to          time.Time
	networks, bridges []string
}

// The span /events covers without from and to: every date the engine's
// DateTime64 holds that an event may sensibly have.
var (
	eventsFrom = time.Date(minYear, 1, 1, 0, 0, 0, 0, time.UTC)
	eventsTo   = time.Date(maxYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
)

func (a *API) registerEvents() {
	register(a, eventsEndpoint,
		func(_ context.Context, q *request, sh shared) (eventsParams, error) {
			p := eventsParams{from: sh.from, to: sh.to, networks: sh.networks}
			if p.from.IsZero() {
				p.from = eventsFrom
			}
			if p.to.IsZero() {
				p.to = eventsTo
			}
			q.set(ParamFrom, formatTime(p.from))
			q.set(ParamTo, formatTime(p.to))
			q.setNetworks(p.networks)
			if s := q.raw(ParamEventBridges); s != "" {
				var err error
				if p.bridges, err = parseList(ParamEventBridges, s); err != nil {
					return p, err
				}
				q.set(ParamEventBridges, strings.Join(p.bridges, ","))
			}
			return p, nil
		},
		func(ctx context.Context, p eventsParams) (Result, error) {
			evs, err := queries.Events(ctx, a.engine, p.from, p.to, maxEvents)
			if err != nil {
				return nil, err
			}
			d := EventsData{Events: []Event{}}
			for _, e := range evs {
				if e.Concerns(p.networks, p.bridges) {
					d.Events = append(d.Events, toEventJSON(e))
				}
			}
			return d, nil
		})
}

// Form fields of a new event (the API's and the page's form).
const (
	pEventDate        = "date"
	pEventTitle       = "title"
	pEventDescription = "description"
	pEventNetworks    = "networks"
	pEventBridges     = "bridges"
	pEventLink        = "link"
	pEventID          = "id"
)

// eventRequest reads a new event from the request's form. A bad field is
// an InvalidError naming it.
func eventRequest(c *gin.Context) (imscope.Event, error) {
	if err := c.Request.ParseForm(); err != nil {
		return imscope.Event{}, invalid("", "the form is not valid URL encoding")
	}
	form := c.Request.Form
	known := []string{pEventDate, pEventTitle, pEventDescription, pEventNetworks, pEventBridges, pEventLink, pEventID, guard.FormCSRF}
	for _, k := range slices.Sorted(maps.Keys(form)) {
		switch {
		case !slices.Contains(known, k):
			return imscope.Event{}, invalid(respond.Clip(k), "unknown parameter; an event takes date, title, description, networks, bridges, link and id")
		case len(form[k]) > 1:
			return imscope.Event{}, invalid(respond.Clip(k), "given more than once")
		}
	}
	var ev imscope.Event
	raw := strings.TrimSpace(form.Get(pEventDate))
	if raw == "" {
		return ev, invalid(pEventDate, "required: a date (2010-11-03) or an RFC 3339 time")
	}
	if len(raw) == len(time.DateOnly) {
		t, err := time.Parse(time.DateOnly, raw)
		if err != nil {
			return ev, invalid(pEventDate, fmt.Sprintf("%s is not a date (2010-11-03)", respond.Quote(raw)))
		}
		ev.At, ev.DateOnly = t, true
	} else {
		t, err := time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			return ev, invalid(pEventDate, fmt.Sprintf("%s is not a date (2010-11-03) or an RFC 3339 time", respond.Quote(raw)))
		}
		ev.At = t.UTC()
	}
	if y := ev.At.Year(); y < minYear || y > maxYear {
		return ev, invalid(pEventDate, fmt.Sprintf("%s is outside %d–%d", respond.Quote(raw), minYear, maxYear))
	}
	ev.Title, ev.Description, ev.Link, ev.ID = form.Get(pEventTitle), form.Get(pEventDescription), form.Get(pEventLink), form.Get(pEventID)
	ev.Networks, ev.Bridges = eventIDs(form.Get(pEventNetworks)), eventIDs(form.Get(pEventBridges))
	return ev, ev.Check()
}

// eventIDs splits a list of ids written with spaces, commas or semicolons.
func eventIDs(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\t' || r == '\n' || r == '\r' })
}

// CreateEvent stores the event the admin's form describes (replacing a
// stored one of the same id) and returns it.
func (a *API) CreateEvent(c *gin.Context) (Event, error) {
	ev, err := eventRequest(c)
	if err != nil {
		return Event{}, err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), a.opts.RequestTimeout)
	defer cancel()
	if err := queries.StoreEvents(ctx, a.opts.Engine, []imscope.Event{ev}, guard.CurrentUser(c).Name, a.opts.Now()); err != nil {
		return Event{}, err
	}
	a.log.Info("event stored", "event", ev.ID, "at", ev.At, "by", guard.CurrentUser(c).Name, "request_id", respond.RequestID(c))
	a.forget()
	return toEventJSON(ev), nil
}

// DeleteEvent deletes event id; a missing one is a *NoSuchError.
func (a *API) DeleteEvent(c *gin.Context, id string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), a.opts.RequestTimeout)
	defer cancel()
	ok, err := queries.DeleteEvent(ctx, a.opts.Engine, id, guard.CurrentUser(c).Name, a.opts.Now())
	if err != nil {
		return err
	}
	if !ok {
		return &NoSuchError{"event", id}
	}
	a.log.Info("event deleted", "event", id, "by", guard.CurrentUser(c).Name, "request_id", respond.RequestID(c))
	a.forget()
	return nil
}

// EventDeleted answers a deletion.
type EventDeleted struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// eventActions are the admin's event operations of the API.
func (a *API) eventActions() []*action {
	return []*action{{
		ID: "event_create", Method: http.MethodPost, Path: "/events",
		Summary: "Add an event (or correct one)",
		Description: "Stores an event drawn on the charts it falls in. Fields are form-encoded (application/x-www-form-urlencoded). " +
			"Without an id the event's is derived from its date and title; an id already stored is replaced.",
		Params: []paramDoc{
			{Name: pEventDate, In: "form", Type: "string", Required: true, Doc: "a date (2010-11-03) or an RFC 3339 time"},
			{Name: pEventTitle, In: "form", Type: "string", Required: true, Doc: "what happened, at most 200 characters"},
			{Name: pEventDescription, In: "form", Type: "string", Doc: "more about it, at most 2,000 characters"},
			{Name: pEventNetworks, In: "form", Type: "string", Doc: "network ids it is about, separated by spaces or commas; empty: the whole market"},
			{Name: pEventBridges, In: "form", Type: "string", Doc: "bridge ids it is about, separated by spaces or commas"},
			{Name: pEventLink, In: "form", Type: "string", Doc: "a source: an http or https address"},
			{Name: pEventID, In: "form", Type: "string", Doc: "the event's id, to replace a stored one (letters, digits, . _ -)"},
		},
		Errors: map[string]string{"400": "a field is wrong; error.param names it"},
		Data:   Event{},
		handle: func(c *gin.Context) {
			ev, err := a.CreateEvent(c)
			a.answerAction(c, err, func() any { return ev })
		},
	}, {
		ID: "event_delete", Method: http.MethodDelete, Path: "/events/:id",
		Summary:     "Delete an event",
		Description: "Removes the event from the list and the charts.",
		Params:      []paramDoc{{Name: "id", In: "path", Type: "string", Required: true, Doc: "the event's id"}},
		Data:        EventDeleted{},
		handle: func(c *gin.Context) {
			err := a.DeleteEvent(c, c.Param("id"))
			a.answerAction(c, err, func() any { return EventDeleted{ID: c.Param("id"), Deleted: true} })
		},
	}}
}
