package alerting

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

// Matcher tests one label of an alert: name=value, name!=value, name=~regex
// or name!~regex (regexes match the whole value). "rule" and "kind" are
// labels too, so rule=fetion-msn-failing silences one rule.
type Matcher struct {
	Name  string
	Op    string // =, !=, =~ or !~
	Value string
	re    *regexp.Regexp
}

var labelNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// ParseMatcher reads a matcher written as name=value, name!=value,
// name=~regex or name!~regex.
func ParseMatcher(s string) (Matcher, error) {
	i := strings.IndexAny(s, "=!")
	if i <= 0 {
		return Matcher{}, invalidMatcher(s)
	}
	m := Matcher{Name: strings.TrimSpace(s[:i])}
	rest := s[i:]
	for _, op := range []string{"!=", "!~", "=~", "="} {
		if v, ok := strings.CutPrefix(rest, op); ok {
			m.Op, m.Value = op, strings.TrimSpace(v)
			if len(m.Value) >= 2 && m.Value[0] == '"' {
				u, err := strconv.Unquote(m.Value)
				if err != nil {
					return Matcher{}, invalidMatcher(s)
				}
				m.Value = u
			}
			break
		}
	}
	if m.Op == "" || !labelNameRE.MatchString(m.Name) {
		return Matcher{}, invalidMatcher(s)
	}
	if m.Op == "=~" || m.Op == "!~" {
		re, err := regexp.Compile("^(?:" + m.Value + ")$")
		if err != nil {
			return Matcher{}, &imscope.InvalidError{Param: "matchers", Message: fmt.Sprintf("%q: %v", s, err)}
		}
		m.re = re
	}
	return m, nil
}

func invalidMatcher(s string) error {
	return &imscope.InvalidError{Param: "matchers", Message: fmt.Sprintf("%q is not a matcher like bridge=fetion-msn, rule!=x, bridge=~\"fetion-.*\"", s)}
}

// String writes the matcher as ParseMatcher reads it, the value quoted.
func (m Matcher) String() string { return m.Name + m.Op + strconv.Quote(m.Value) }

// Matches reports whether labels satisfy the matcher; a missing label is "".
func (m Matcher) Matches(labels map[string]string) bool {
	v := labels[m.Name]
	switch m.Op {
	case "=":
		return v == m.Value
	case "!=":
		return v != m.Value
	case "=~":
		return m.re.MatchString(v)
	case "!~":
		return !m.re.MatchString(v)
	}
	return false
}

// Silence holds back notifications of the alerts all its matchers match
// while it is active, from StartsAt until EndsAt.
type Silence struct {
	ID               string
	Matchers         []Matcher
	StartsAt, EndsAt time.Time
	Comment          string
	CreatedBy        string
	CreatedAt        time.Time
	changedAt        time.Time
}

// Active reports whether the silence is in force at t.
func (s Silence) Active(t time.Time) bool { return !t.Before(s.StartsAt) && t.Before(s.EndsAt) }

// Mutes reports whether the silence matches an alert's labels.
func (s Silence) Mutes(labels map[string]string) bool {
	for _, m := range s.Matchers {
		if !m.Matches(labels) {
			return false
		}
	}
	return len(s.Matchers) > 0
}

// SilenceRequest is what an admin asks for.
type SilenceRequest struct {
	Matchers []string  // at least one, all must match
	StartsAt time.Time // zero: now
	EndsAt   time.Time
	Comment  string
}

// ErrNoSilence is returned when expiring a silence that does not exist or
// has already ended.
var ErrNoSilence = errors.New("no such silence, or it has ended")

// CreateSilence stores a new silence made by actor at now and returns it.
// Bad input is an *imscope.InvalidError naming the field.
func CreateSilence(ctx context.Context, e queries.Engine, req SilenceRequest, actor string, now time.Time) (Silence, error) {
	s := Silence{ID: uuid.NewString(), StartsAt: req.StartsAt, EndsAt: req.EndsAt, Comment: strings.TrimSpace(req.Comment), CreatedBy: actor, CreatedAt: now}
	if s.StartsAt.IsZero() {
		s.StartsAt = now
	}
	var errs []error
	for _, text := range req.Matchers {
		m, err := ParseMatcher(text)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.Matchers = append(s.Matchers, m)
	}
	switch {
	case len(req.Matchers) == 0:
		errs = append(errs, &imscope.InvalidError{Param: "matchers", Message: "a silence needs at least one matcher"})
	case !s.EndsAt.After(s.StartsAt):
		errs = append(errs, &imscope.InvalidError{Param: "ends_at", Message: "must be after starts_at"})
	case !s.EndsAt.After(now):
		errs = append(errs, &imscope.InvalidError{Param: "ends_at", Message: "must be in the future"})
	}
	if strings.TrimSpace(actor) == "" {
		errs = append(errs, &imscope.InvalidError{Param: "actor", Message: "who makes the change must be known, for the audit log"})
	}
	if err := errors.Join(errs...); err != nil {
		return Silence{}, err
	}
	if err := queries.InsertSilenceChange(ctx, e, s.change("create", actor, now)); err != nil {
		return Silence{}, fmt.Errorf("cannot store the silence: %w", err)
	}
	return s, nil
}

// ExpireSilence ends silence id at now, as actor; a silence not yet started
// is ended before it begins.
func ExpireSilence(ctx context.Context, e queries.Engine, id, actor string, now time.Time) (Silence, error) {
	if strings.TrimSpace(actor) == "" {
		return Silence{}, &imscope.InvalidError{Param: "actor", Message: "who makes the change must be known, for the audit log"}
	}
	all, err := Silences(ctx, e, now)
	if err != nil {
		return Silence{}, err
	}
	for _, s := range all {
		if s.ID != id {
			continue
		}
		// Changes are ordered by time: this one must come after the last,
		// even when the clock has not moved (or was set back).
		at := now
		if !at.After(s.changedAt) {
			at = s.changedAt.Add(time.Microsecond)
		}
		s.EndsAt = now
		if s.StartsAt.After(now) {
			s.StartsAt = now
		}
		if err := queries.InsertSilenceChange(ctx, e, s.change("expire", actor, at)); err != nil {
			return Silence{}, fmt.Errorf("cannot expire the silence: %w", err)
		}
		s.changedAt = at
		return s, nil
	}
	return Silence{}, ErrNoSilence
}

// Silences returns the silences that have not ended at now (active and
// pending), latest starting first.
func Silences(ctx context.Context, e queries.Engine, now time.Time) ([]Silence, error) {
	states, err := queries.SilenceStates(ctx, e, now)
	if err != nil {
		return nil, err
	}
	var out []Silence
	for _, st := range states {
		if !st.EndsAt.After(now) {
			continue
		}
		s := Silence{ID: st.SilenceID, StartsAt: st.StartsAt, EndsAt: st.EndsAt, Comment: st.Comment, CreatedBy: st.CreatedBy, CreatedAt: st.CreatedAt, changedAt: st.ChangedAt}
		for _, text := range st.Matchers {
			m, err := ParseMatcher(text)
			if err != nil { // stored by CreateSilence, so parsed once already
				return nil, fmt.Errorf("silence %s: %w", st.SilenceID, err)
			}
			s.Matchers = append(s.Matchers, m)
		}
		out = append(out, s)
	}
	return out, nil
}

func (s Silence) change(action, actor string, at time.Time) queries.SilenceChange {
	ms := make([]string, len(s.Matchers))
	for i, m := range s.Matchers {
		ms[i] = m.String()
	}
	return queries.SilenceChange{ChangedAt: at, SilenceID: s.ID, Action: action, Actor: actor, Matchers: ms, StartsAt: s.StartsAt, EndsAt: s.EndsAt, Comment: s.Comment}
}
