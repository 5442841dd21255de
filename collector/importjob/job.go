package importjob

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/csvimport"
)

// State is where a job is in its life.
type State string

// The states of a job: queued (stored, waiting for the one import that
// runs at a time), running, done (the import ran: its Status says whether
// every row was good) and failed (it could not run, or it ended in error,
// e.g. a strict import with bad rows).
const (
	Queued  State = "queued"
	Running State = "running"
	Done    State = "done"
	Failed  State = "failed"
)

// Finished reports whether the job will not change any more.
func (s State) Finished() bool { return s == Done || s == Failed }

// Spec is what the sender asks of an import.
type Spec struct {
	Kind     string // reports, panel, usage or events (csvimport.Kind)
	Encoding string // utf-8 (the default, also when empty), gbk, gb18030
	Strict   bool   // load nothing unless every row is good
	Source   string // the usage rows' source label; "import" when empty
	// File is the file's name as the sender knows it, for problems
	// ("panel.csv:12:3"), the run's target and the job list; "upload.csv"
	// when empty. A name ending in .gz says the body is gzip-compressed.
	File string
	// Gzip says the body is gzip-compressed (Content-Encoding: gzip).
	Gzip bool
}

// Job is an import sent to the server, as kept in its job.json and as the
// API answers it.
type Job struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	File     string `json:"file"`
	Encoding string `json:"encoding"`
	Strict   bool   `json:"strict"`
	Source   string `json:"source"`
	Gzip     bool   `json:"gzip"` // the upload is gzip-compressed
	State    State  `json:"state"`
	// Checking is set while a strict import reads the file the first time,
	// to check it; BytesRead starts again for the pass that stores.
	Checking bool `json:"checking"`
	// Bytes is the upload's size; BytesRead how far the import has read
	// it (both compressed, if it is), for a progress bar.
	Bytes     int64 `json:"bytes"`
	BytesRead int64 `json:"bytes_read"`
	// RowsRead counts the data records read (the header excluded),
	// Rejected those refused for their own problems; Stored, Existing and
	// Conflicts what storing did with the good ones (collector.Run's).
	RowsRead  int64  `json:"rows_read"`
	Stored    uint64 `json:"stored"`
	Existing  uint64 `json:"existing"`
	Conflicts uint64 `json:"conflicts"`
	Rejected  int64  `json:"rejected"`
	// ProblemsTotal counts every problem and warning met; Problems lists
	// the first MaxListed.
	ProblemsTotal int        `json:"problems_total"`
	Problems      []Problem  `json:"problems"`
	Created       time.Time  `json:"created"`
	Started       *time.Time `json:"started"`
	Finished      *time.Time `json:"finished"`
	// DurationSeconds is the import's time so far, or in all once finished.
	DurationSeconds float64 `json:"duration_seconds"`
	// Status is the run's: ok, partial (some rows were bad) or error; ""
	// until the job has finished.
	Status string `json:"status"`
	Error  string `json:"error"`
	// Run is the collector run of the finished import, as the runner
	// returned it (and as `imscope import` prints it); null before.
	Run *collector.Run `json:"run"`
}

// Problem is one problem of an import, with where it is in the file when
// that is known (Line, Column — the field's position from 1 — and Field,
// the header's name; 0 and "" when not).
type Problem struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Field   string `json:"field"`
	Message string `json:"message"`
	Where   string `json:"where"`   // as people read it: "panel.csv:12:3"
	Warning bool   `json:"warning"` // worth telling, but nothing was lost
}

// MaxListed is how many problems a job lists; ProblemsTotal counts them all.
const MaxListed = 100

// problemOf is a collector.Problem as a job lists it. Problems that say
// only Where ("panel.csv:12", from storing) get their line from it.
func problemOf(p collector.Problem, file string) Problem {
	out := Problem{Line: p.Line, Column: p.Column, Field: p.Field, Message: p.Message, Where: p.Where, Warning: p.Warning}
	if out.Line == 0 {
		out.Line = lineIn(p.Where, file)
	}
	return out
}

// lineIn reads the line out of where, "FILE:LINE" or "FILE:LINE:COLUMN";
// 0 when where is not of that file.
func lineIn(where, file string) int {
	rest, ok := strings.CutPrefix(where, file+":")
	if !ok {
		return 0
	}
	digits, _, _ := strings.Cut(rest, ":")
	n := 0
	for _, r := range digits {
		if r < '0' || r > '9' || n > 1e9 {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// problemOfText is a problem known only as text, "WHERE: warning: MESSAGE"
// (collector.Problem's Error, as a run lists its first ones).
func problemOfText(s, file string) Problem {
	p := Problem{Message: s}
	if rest, ok := strings.CutPrefix(s, file+":"); ok {
		digits, msg, ok := strings.Cut(rest, ": ")
		if ok && digits != "" && strings.Trim(digits, "0123456789") == "" {
			p.Where, p.Line, p.Message = file+":"+digits, lineIn(file+":"+digits, file), msg
		}
	}
	if msg, ok := strings.CutPrefix(p.Message, "warning: "); ok {
		p.Message, p.Warning = msg, true
	}
	return p
}

// Defaults and bounds of a Spec.
const (
	defaultFile   = "upload.csv"
	maxFileName   = 255
	maxSourceText = 200
)

// check validates the spec and fills in its defaults. Problems are
// *imscope.InvalidErrors naming the query parameter at fault.
func (s Spec) check() (Spec, error) {
	cfg := csvimport.Config{Path: "upload", Kind: csvimport.Kind(s.Kind), Encoding: s.Encoding, Source: s.Source}
	if err := cfg.Validate(); err != nil {
		return s, err
	}
	if s.File == "" {
		s.File = defaultFile
	}
	if s.Encoding == "" {
		s.Encoding = "utf-8"
	}
	if len(s.File) > maxFileName || strings.ContainsFunc(s.File, unicode.IsControl) || strings.ContainsAny(s.File, `/\`) || s.File == "." || s.File == ".." {
		return s, &imscope.InvalidError{Param: "file", Message: fmt.Sprintf("%q is not a file name (at most %d bytes, no slashes or control characters)", clip(s.File), maxFileName)}
	}
	if len(s.Source) > maxSourceText || strings.ContainsFunc(s.Source, unicode.IsControl) {
		return s, &imscope.InvalidError{Param: "source", Message: fmt.Sprintf("%q is not a source label (at most %d bytes, no control characters)", clip(s.Source), maxSourceText)}
	}
	return s, nil
}

// gzipped reports whether the upload is compressed: declared so, or named so.
func (s Spec) gzipped() bool {
	return s.Gzip || strings.EqualFold(filepath.Ext(s.File), ".gz")
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

var idRE = regexp.MustCompile(`^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}$`)

// ValidID reports whether id can name a job: the form New makes, which is
// also safe as a directory name.
func ValidID(id string) bool { return idRE.MatchString(id) }
