package api

import (
	"slices"
	"testing"
)

// TestEndpointReads: every endpoint says what data it reads, every name it
// gives is one the writers' tables map to, and every listed path is an
// endpoint — so an endpoint added later makes its author say what it reads
// rather than be dropped by every batch (or by none).
func TestEndpointReads(t *testing.T) {
	a, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, ep := range a.endpoints {
		paths = append(paths, ep.Path)
		if _, ok := endpointReads[ep.Path]; !ok {
			t.Errorf("%s is not in endpointReads", ep.Path)
		}
	}
	for path, names := range endpointReads {
		if !slices.Contains(paths, path) {
			t.Errorf("endpointReads lists %s, which is no endpoint", path)
		}
		for _, n := range names {
			if !slices.Contains(allData, n) {
				t.Errorf("%s reads %q, which is not in allData", path, n)
			}
		}
	}
	for table, n := range tableData {
		if !slices.Contains(allData, n) {
			t.Errorf("table %s maps to %q, which is not in allData", table, n)
		}
	}
}
