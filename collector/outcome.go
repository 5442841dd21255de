package collector

import "fmt"

// Outcome counts what storing rows did with each of them. Every row handed
// in is counted once: Rows = New + Replaced + Existing + Repeated +
// Conflicts + Refused + Spooled.
type Outcome struct {
	Rows      int // rows handed in
	New       int // stored: their key was not stored before
	Replaced  int // published shares stored over a different figure for their key
	Existing  int // their key was stored with the same figures: not stored again
	Repeated  int // repeated, same key and figures, within what was handed in: stored once
	Conflicts int // their key was stored (or came earlier) with other figures: not stored
	Refused   int // a value does not fit its column: not stored
	Spooled   int // kept in the spool until ClickHouse takes them
	// Problems are the first maxOutcomeProblems conflicts and refusals,
	// and warnings (repeats, replacements), each with where.
	Problems []Problem
	// Omitted counts problems not kept in Problems.
	Omitted int
}

// maxOutcomeProblems bounds Outcome.Problems: a re-import of a million
// conflicting rows is reported by count past it.
const maxOutcomeProblems = 1000

// Stored is how many rows this outcome wrote.
func (o *Outcome) Stored() int { return o.New + o.Replaced }

// Add counts another outcome into o.
func (o *Outcome) Add(p Outcome) {
	o.Rows += p.Rows
	o.New += p.New
	o.Replaced += p.Replaced
	o.Existing += p.Existing
	o.Repeated += p.Repeated
	o.Conflicts += p.Conflicts
	o.Refused += p.Refused
	o.Spooled += p.Spooled
	o.Omitted += p.Omitted
	for _, pr := range p.Problems {
		o.problem(pr)
	}
}

// problem keeps a problem while under the bound and counts the rest.
func (o *Outcome) problem(p Problem) {
	if len(o.Problems) >= maxOutcomeProblems {
		o.Omitted++
		return
	}
	o.Problems = append(o.Problems, p)
}

// String sums the outcome up for people: "3 rows: 1 new, 2 already stored".
func (o Outcome) String() string {
	s := fmt.Sprintf("%d rows: %d new", o.Rows, o.New)
	for _, part := range []struct {
		n    int
		what string
	}{
		{o.Replaced, "replaced"},
		{o.Existing, "already stored"},
		{o.Repeated, "repeated"},
		{o.Conflicts, "in conflict (not stored)"},
		{o.Refused, "refused"},
		{o.Spooled, "spooled"},
	} {
		if part.n > 0 {
			s += fmt.Sprintf(", %d %s", part.n, part.what)
		}
	}
	return s
}
