package pages

import (
	"strings"
	"time"

	"github.com/imscope/imscope/dashboard/respond"
)

// importRow is one past import as the Data page lists it: the import
// API's job (GET /api/v1/imports), read in-process through the same
// api.Imports the API answers from.
type importRow struct {
	ID, Kind, File, Encoding, Source string
	Strict                           bool
	State, Status, Error             string // state: queued, running, done, failed; status: ok, partial, error
	Created                          time.Time
	DurationSeconds                  *float64 // nil until it has started
	RowsRead, Rejected               int64
	Stored, Existing, Conflicts      uint64
	ProblemsTotal                    int
	RejectedCSV                      string // the rejected rows' URL, once finished with any
}

// pastImports are the imports on record, newest first; listed is false
// when this server takes no imports (api.Options.Imports is nil).
func (s *Site) pastImports() (rows []importRow, listed bool) {
	if s.cfg.Imports == nil {
		return nil, false
	}
	for _, j := range s.cfg.Imports.Jobs() {
		r := importRow{ID: j.ID, Kind: j.Kind, File: j.File, Encoding: j.Encoding, Source: j.Source, Strict: j.Strict,
			State: string(j.State), Status: j.Status, Error: j.Error, Created: j.Created,
			RowsRead: j.RowsRead, Rejected: j.Rejected, Stored: j.Stored, Existing: j.Existing, Conflicts: j.Conflicts, ProblemsTotal: j.ProblemsTotal}
		if r.Encoding == "" { // the import's default
			r.Encoding = importEncodings[0]
		}
		r.Encoding = strings.ToUpper(r.Encoding) // as the form names it
		if j.Started != nil {
			r.DurationSeconds = &j.DurationSeconds
		}
		// As the API links them (api.importView): a finished job's
		// rejected rows, when it rejected any.
		if j.State.Finished() && j.Rejected > 0 {
			r.RejectedCSV = respond.APIPrefix + "/imports/" + j.ID + "/rejected.csv"
		}
		rows = append(rows, r)
	}
	return rows, true
}
