package api

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/queries"
)

// Run files are served by their run's record, never by a path from the
// URL: the file must be one the run recorded, named as recorded, lying in
// the report directory; it is opened through an os.Root of that directory.
var runFileTypes = map[string]struct{ contentType, disposition, csp string }{
	// The report is self-contained: its inline scripts (ECharts and the
	// charts) run, nothing else loads, and the sandbox gives it an opaque
	// origin, so it cannot read our cookies or act as a page of ours.
	".html": {"text/html; charset=utf-8", "inline",
		"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; " +
			"base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox allow-scripts allow-downloads"},
	// A sandbox would stop browsers' PDF viewers; a PDF runs no script of ours.
	".pdf": {"application/pdf", "inline", "default-src 'none'; frame-ancestors 'none'"},
	".zip": {"application/zip", "attachment", "default-src 'none'; frame-ancestors 'none'; sandbox"},
}

// reportFileWriteTime is how long sending one report file may take.
const reportFileWriteTime = 10 * time.Minute

// RunFiles serves /reports/runs/:run/:file: a file a report run wrote in
// the report directory, or notFound (the pages' 404) for anything else.
func (a *API) RunFiles(notFound gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, name := c.Param("run"), c.Param("file")
		path, err := a.runFile(c.Request.Context(), id, name)
		if err != nil {
			a.fileFailed(c, err)
			return
		}
		if path == "" {
			notFound(c)
			return
		}
		a.serveFile(c, id, name, path, notFound)
	}
}

// runFile is the path of the file name that run id recorded in the
// report directory; "" when there is none.
func (a *API) runFile(ctx context.Context, id, name string) (string, error) {
	if u, err := uuid.Parse(id); err != nil || u.String() != id || a.opts.ReportDir == "" {
		return "", nil
	}
	ctx, cancel := context.WithTimeout(ctx, a.opts.RequestTimeout)
	defer cancel()
	run, ok, err := queries.ReportRunByID(ctx, a.opts.Engine, id)
	if err != nil || !ok {
		return "", err
	}
	var path string
	for _, f := range run.Files {
		if filepath.Base(f) == name && inDir(a.opts.ReportDir, f) {
			path = f
		}
	}
	return path, nil
}

// serveFile sends the run file at path, opened through an os.Root of the
// report directory.
func (a *API) serveFile(c *gin.Context, id, name, path string, notFound gin.HandlerFunc) {
	root, err := os.OpenRoot(a.opts.ReportDir)
	if err != nil {
		a.fileFailed(c, err)
		return
	}
	defer root.Close()
	rel, _ := filepath.Rel(a.opts.ReportDir, path) // inDir checked it
	f, err := root.Open(rel)
	if err != nil {
		// Deleted by retention or by hand, or a link out of the directory.
		if !errors.Is(err, os.ErrNotExist) {
			a.log.Warn("a report file is not served", "run", id, "file", name, "err", err)
		}
		notFound(c)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		notFound(c)
		return
	}
	t, ok := runFileTypes[strings.ToLower(filepath.Ext(name))]
	if !ok {
		t.contentType, t.disposition, t.csp = "application/octet-stream", "attachment", runFileTypes[".zip"].csp
	}
	h := c.Writer.Header()
	h.Set("Content-Type", t.contentType)
	h.Set("Content-Disposition", mime.FormatMediaType(t.disposition, map[string]string{"filename": name}))
	h.Set("Content-Security-Policy", t.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600") // a run's files never change
	respond.AllowSlowAnswer(c, reportFileWriteTime) // a report's PDF or ZIP can be large, the reader slow
	http.ServeContent(c.Writer, c.Request, name, st.ModTime(), f)
}

// fileFailed answers a run file that could not be read, as Failure
// decides (503 while the engine is away, else 500 with the request id; the
// error goes to the log), in a line of text.
func (a *API) fileFailed(c *gin.Context, err error) {
	id := respond.RequestID(c)
	f := a.Failure(err, Asker{Ctx: c.Request.Context(), ID: id, What: "report file", Log: []any{"route", c.FullPath()}})
	if f.Status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	c.String(f.Status, "%d %s\n", f.Status, f.Message)
}
