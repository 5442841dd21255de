package imscope

import "errors"

// InvalidError is bad input from a user — a query parameter, a config key, a
// CSV cell — and names what was wrong, so that the HTTP layer can answer 400
// with the parameter and the CLI can point at the key.
type InvalidError struct {
	Param   string // the parameter, key or column at fault
	Message string
}

func (e *InvalidError) Error() string {
	if e.Param == "" {
		return e.Message
	}
	return e.Param + ": " + e.Message
}

// IsInvalid reports whether err is (or wraps) an InvalidError.
func IsInvalid(err error) bool {
	var ie *InvalidError
	return errors.As(err, &ie)
}
