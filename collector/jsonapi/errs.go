package jsonapi

import "strings"

// joined is the failures of several requests of one run, reported on one
// line — a run's error is one line on the Collectors page and in
// collector_runs — and still matched by errors.Is and errors.As.
type joined []error

func (j joined) Error() string {
	parts := make([]string, len(j))
	for i, err := range j {
		parts[i] = err.Error()
	}
	return strings.Join(parts, "; ")
}

func (j joined) Unwrap() []error { return j }

// joinErrors joins errs, leaving out nils and flattening joined ones; nil
// when none is left.
func joinErrors(errs ...error) error {
	var out joined
	for _, err := range errs {
		if j, ok := err.(joined); ok {
			out = append(out, j...)
		} else if err != nil {
			out = append(out, err)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}
