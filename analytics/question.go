package analytics

import "github.com/imscope/imscope"

// A question's filter is validated once, where it enters imscope — the
// API's parameter binding, an alert rule's evaluation, a test — and is
// trusted from there on. Usage and traffic loaders take a Question or a
// Span, which only Ask and AskSpan make, so holding one is proof that the
// check was done; neither the loaders nor the queries and internal maths
// they call check it again. The pure functions that take a bare
// imscope.Filter (Shares, BridgeHealthOf…) still check it: they are entry
// points of their own.

// Question is a filter validated for a period-by-period question: a range,
// a granularity and a metric from the catalog (imscope.Filter.Validate).
// The zero Question is not valid; make one with Ask.
type Question struct{ f imscope.Filter }

// Ask validates f as a period-by-period question.
func Ask(f imscope.Filter) (Question, error) {
	if err := f.Validate(); err != nil {
		return Question{}, err
	}
	return Question{f: f}, nil
}

// Filter is the validated filter. Its Networks slice is shared: do not
// modify it.
func (q Question) Filter() imscope.Filter { return q.f }

// Span is a filter validated for a question over a span of time with no
// periods or metric (bridge traffic): From before To, both set. The zero
// Span is not valid; make one with AskSpan.
type Span struct{ f imscope.Filter }

// AskSpan validates f's span.
func AskSpan(f imscope.Filter) (Span, error) {
	if err := checkSpan(f); err != nil {
		return Span{}, err
	}
	return Span{f: f}, nil
}

// Filter is the validated filter. Its Networks slice is shared: do not
// modify it.
func (s Span) Filter() imscope.Filter { return s.f }
