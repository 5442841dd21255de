package api

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/collector/importjob"
	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/respond"
)

// Imports over HTTP: the admin sends a CSV file as the body of POST
// /imports; it is stored and answered 202 at once, and imported in the
// background as a job, which GET /imports/ID follows. An import of a
// multi-gigabyte panel file takes minutes: no browser, proxy or script
// should have to hold a connection open for it.

// Imports is what the API needs of the server's import jobs
// (importjob.Manager).
type Imports interface {
	// Start stores body as a new job's upload and queues it.
	Start(spec importjob.Spec, body io.Reader) (importjob.Job, error)
	Job(id string) (importjob.Job, bool)
	Jobs() []importjob.Job // newest first
	// Rejected opens a finished job's rejected rows; fs.ErrNotExist when
	// there are none.
	Rejected(id string) (*os.File, error)
	// MaxBytes caps an upload (dashboard.max_import_bytes).
	MaxBytes() int64
}

// ImportJob is an import job as the API answers it: the job, with its URL
// and, once it has finished with rejected rows, theirs.
type ImportJob struct {
	importjob.Job
	URL         string `json:"url"`
	RejectedCSV string `json:"rejected_csv,omitempty"`
}

// The query parameters of POST /imports.
const (
	ParamKind     = "kind"
	ParamEncoding = "encoding"
	ParamStrict   = "strict"
	ParamSource   = "source"
	ParamFile     = "file"
)

// importParams are the parameters POST /imports takes, in the query: its
// body is the file.
var importParams = []paramDoc{
	{Name: ParamKind, In: "query", Type: "string", Required: true, Enum: []string{"reports", "panel", "usage", "events"}, Doc: "what the file holds: published shares, panel activity, usage samples or market events (the columns each needs are in the README)"},
	{Name: ParamEncoding, In: "query", Type: "string", Default: "utf-8", Enum: []string{"utf-8", "gbk", "gb18030"}, Doc: "the file's text encoding"},
	{Name: ParamStrict, In: "query", Type: "boolean", Default: "false", Doc: "true: load nothing unless every row is good"},
	{Name: ParamSource, In: "query", Type: "string", Doc: "the label usage rows carry in their source column; default import"},
	{Name: ParamFile, In: "query", Type: "string", Doc: "the file's name, for problems (panel.csv:12:3), the run's target and the job list; default upload.csv. A name ending in .gz means the body is gzip-compressed"},
}

// importActions are the admin operations of imports; none when this
// server takes no imports.
func (a *API) importActions() []*action {
	if a.opts.Imports == nil {
		return nil
	}
	idParam := paramDoc{Name: "id", In: "path", Type: "string", Required: true, Doc: "the job's id, as POST /imports answered it"}
	return []*action{{
		ID: "import_start", Method: http.MethodPost, Path: "/imports",
		Summary: "Import a CSV file",
		Description: "The body is the file itself (any Content-Type; Content-Encoding: gzip, or a file name ending in .gz, for a compressed one), streamed to disk in the data directory. " +
			"Once it is stored the answer is 202 with the job (Location: its URL), and the import runs in the background, one at a time, as `imscope import` runs it: " +
			"recorded in collector_runs (collector import), bad rows listed and the good ones stored — each row once by its key, however often the file is sent. " +
			"Follow the job at GET /imports/{id}. A browser session sends its CSRF token in the X-CSRF-Token header.",
		Params:   importParams,
		Status:   http.StatusAccepted,
		Consumes: []string{"text/csv", "application/octet-stream"},
		Errors: map[string]string{
			"400": "a parameter is wrong (error.param names it), or the body broke off",
			"408": "the body stopped coming for a minute",
			"413": "the body is over dashboard.max_import_bytes (default 4 GiB); a declared Content-Length over it is refused unread",
			"415": "a Content-Encoding other than gzip",
		},
		Data:   ImportJob{},
		handle: a.startImport,
	}, {
		ID: "import_list", Method: http.MethodGet, Path: "/imports",
		Summary:     "Imports sent to the server",
		Description: "The last 100 import jobs of the last 30 days, newest first, as GET /imports/{id} describes each.",
		Data:        []ImportJob{},
		handle: func(c *gin.Context) {
			jobs := a.opts.Imports.Jobs()
			out := make([]ImportJob, len(jobs))
			for i, j := range jobs {
				out[i] = importView(j)
			}
			noStore(c)
			c.JSON(http.StatusOK, gin.H{"data": out})
		},
	}, {
		ID: "import_get", Method: http.MethodGet, Path: "/imports/:id",
		Summary: "An import job",
		Description: "Its state (queued, running, done, failed) and progress (bytes_read of bytes, rows_read), what storing did (stored, existing, conflicts), " +
			"the rows rejected, the problems (the first 100, each with line, column, field and message; problems_total counts them all), " +
			"and once finished its status (ok, partial, error), error and the collector run as recorded. rejected_csv links the rejected rows when there are any.",
		Params: []paramDoc{idParam},
		Data:   ImportJob{},
		handle: func(c *gin.Context) {
			j, err := a.importJob(c.Param("id"))
			if err != nil {
				a.ActionFailed(c, err)
				return
			}
			noStore(c)
			c.JSON(http.StatusOK, gin.H{"data": importView(j)})
		},
	}, {
		ID: "import_rejected", Method: http.MethodGet, Path: "/imports/:id/rejected.csv",
		Summary: "The rows an import rejected",
		Description: "A CSV of the file's header with two more columns, line and problem, then each rejected record as it was read (UTF-8, whatever the upload's encoding), " +
			"its line in the file and its problems: fix the cells and send the file again (the two extra columns are ignored). 404 when the job rejected nothing or has not finished.",
		Params:   []paramDoc{idParam},
		Produces: "text/csv",
		handle:   a.rejectedCSV,
	}}
}

// importView is a job as the API answers it.
func importView(j importjob.Job) ImportJob {
	v := ImportJob{Job: j, URL: respond.APIPrefix + "/imports/" + j.ID}
	if j.State.Finished() && j.Rejected > 0 {
		v.RejectedCSV = v.URL + "/rejected.csv"
	}
	return v
}

// importJob finds a job by id.
func (a *API) importJob(id string) (importjob.Job, error) {
	if importjob.ValidID(id) {
		if j, ok := a.opts.Imports.Job(id); ok {
			return j, nil
		}
	}
	return importjob.Job{}, &NoSuchError{"import", id}
}

// startImport stores the body as a job and answers 202 with it.
func (a *API) startImport(c *gin.Context) {
	spec, err := importSpec(c.Request)
	if err != nil {
		a.ActionFailed(c, err)
		return
	}
	body, ok := guard.StreamedBody(c, a.opts.Imports.MaxBytes())
	if !ok {
		return
	}
	job, err := a.opts.Imports.Start(spec, uploadReader{body})
	// The write timeout ran from the request's start; the upload may have
	// taken most of it.
	respond.AllowSlowAnswer(c, time.Minute)
	if err != nil {
		a.ActionFailed(c, err)
		return
	}
	a.log.Info("import received", "id", job.ID, "kind", job.Kind, "file", job.File, "bytes", job.Bytes,
		"by", guard.CurrentUser(c).Name, "request_id", respond.RequestID(c))
	v := importView(job)
	c.Header("Location", v.URL)
	noStore(c)
	c.JSON(http.StatusAccepted, gin.H{"data": v})
}

// importSpec reads POST /imports' query. Like every endpoint's, it
// refuses parameters it does not know and parameters given twice.
func importSpec(r *http.Request) (importjob.Spec, error) {
	q := r.URL.Query()
	for name, vs := range q {
		known := false
		for _, p := range importParams {
			known = known || p.Name == name
		}
		switch {
		case !known:
			return importjob.Spec{}, invalid(name, fmt.Sprintf("unknown parameter; POST %s/imports takes kind, encoding, strict, source and file", respond.APIPrefix))
		case len(vs) > 1:
			return importjob.Spec{}, invalid(name, "given more than once")
		}
	}
	spec := importjob.Spec{Kind: q.Get(ParamKind), Encoding: q.Get(ParamEncoding), Source: q.Get(ParamSource), File: q.Get(ParamFile)}
	switch s := q.Get(ParamStrict); s {
	case "", "false":
	case "true":
		spec.Strict = true
	default:
		return spec, invalid(ParamStrict, fmt.Sprintf("%s is not true or false", respond.Quote(s)))
	}
	switch ce := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); ce {
	case "", "identity":
	case "gzip", "x-gzip":
		spec.Gzip = true
	default:
		return spec, &unsupportedEncodingError{ce}
	}
	return spec, nil
}

// rejectedCSV serves a finished job's rejected rows.
func (a *API) rejectedCSV(c *gin.Context) {
	id := c.Param("id")
	j, err := a.importJob(id)
	if err != nil {
		a.ActionFailed(c, err)
		return
	}
	f, err := a.opts.Imports.Rejected(j.ID)
	if errors.Is(err, fs.ErrNotExist) {
		err = &NoSuchError{"rejected rows of import", id}
	}
	if err != nil {
		a.ActionFailed(c, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		a.ActionFailed(c, err)
		return
	}
	respond.AllowSlowAnswer(c, 10*time.Minute)
	noStore(c)
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="rejected-%s.csv"`, j.ID))
	c.DataFromReader(http.StatusOK, st.Size(), "text/csv; charset=utf-8", f, nil)
}

// noStore keeps a job's state out of every cache: it changes as the job runs.
func noStore(c *gin.Context) { c.Header("Cache-Control", "no-store") }

// uploadReader marks errors reading the body as the upload's, for
// uploadFailure.
type uploadReader struct{ r io.Reader }

func (u uploadReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if err != nil && err != io.EOF {
		err = &uploadError{err}
	}
	return n, err
}

// uploadError is an upload that could not be read whole.
type uploadError struct{ err error }

func (e *uploadError) Error() string { return "the upload broke off: " + e.err.Error() }
func (e *uploadError) Unwrap() error { return e.err }

// unsupportedEncodingError is a body compressed in a way imports do not read.
type unsupportedEncodingError struct{ encoding string }

func (e *unsupportedEncodingError) Error() string {
	return fmt.Sprintf("Content-Encoding %s is not supported: send the file as is, or compressed with gzip", respond.Quote(e.encoding))
}

// uploadFailure is what a failed upload means to its sender (Failure asks
// it first): over the cap is 413, a body that stopped coming 408, one
// that broke off 400, a compression imports do not read 415. ok is false
// for any other error.
func uploadFailure(err error, clientGone bool) (f Failure, ok bool) {
	var tooBig *http.MaxBytesError
	var overCap *importjob.TooLargeError
	var enc *unsupportedEncodingError
	var upload *uploadError
	switch {
	case errors.As(err, &tooBig):
		return Failure{Status: http.StatusRequestEntityTooLarge, Code: respond.CodeTooLarge, Message: fmt.Sprintf("the body is over %d bytes, the most this server takes (dashboard.max_import_bytes)", tooBig.Limit)}, true
	case errors.As(err, &overCap):
		return Failure{Status: http.StatusRequestEntityTooLarge, Code: respond.CodeTooLarge, Message: overCap.Error()}, true
	case errors.As(err, &enc):
		return Failure{Status: http.StatusUnsupportedMediaType, Code: respond.CodeUnsupportedMedia, Message: enc.Error()}, true
	case errors.As(err, &upload):
		// A body that stopped coming also ends the request's context:
		// say why, rather than that the client went away.
		if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
			return Failure{Status: http.StatusRequestTimeout, Code: respond.CodeRequestTimeout, Message: "the body stopped coming for a minute"}, true
		}
		if !clientGone {
			return Failure{Status: http.StatusBadRequest, Code: respond.CodeInvalid, Message: "the upload broke off before its end; send it again"}, true
		}
	}
	return Failure{}, false
}
