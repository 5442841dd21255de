package api

// Names the external tests need.

// Endpoints are every endpoint an API declares.
func Endpoints() []*Endpoint {
	a, _ := New(Options{})
	return a.endpoints
}

// Neutralise is how a CSV text cell is made safe for spreadsheets.
var Neutralise = neutralise
