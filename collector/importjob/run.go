package importjob

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/csvimport"
)

// importName is the collector name imports run and are recorded under, as
// `imscope import` records them.
const importName = "import"

// panelReady refuses a panel upload when the server has no hashing key,
// before the upload is stored rather than after.
func (m *Manager) panelReady(spec Spec) error {
	if csvimport.Kind(spec.Kind) != csvimport.KindPanel {
		return nil
	}
	_, err := csvimport.New(importName, csvimport.Config{Kind: csvimport.KindPanel, Path: "upload"}, csvimport.Options{Getenv: m.opts.Getenv})
	if ie, ok := errors.AsType[*imscope.InvalidError](err); ok && ie.Param == "panel_key_env" {
		return &imscope.InvalidError{Param: "kind", Message: "this server cannot import panel files yet: " + ie.Message}
	}
	return err
}

// run imports one queued job.
func (m *Manager) run(ctx context.Context, id string) {
	dir := filepath.Join(m.opts.Dir, id)
	m.mu.Lock()
	j := m.jobs[id]
	started := m.opts.Now().UTC()
	j.State, j.Started = Running, &started
	live := &liveProgress{id: id}
	m.live = live
	job := *j
	m.saveLogged(j)
	m.mu.Unlock()

	upload := filepath.Join(dir, uploadName(job.Gzip))
	rej := &rejectedWriter{path: filepath.Join(dir, rejectedName)}
	var strictProblems listing
	src, err := csvimport.New(importName, csvimport.Config{
		Kind: csvimport.Kind(job.Kind), Path: upload, Encoding: job.Encoding, Strict: job.Strict, Source: job.Source,
	}, csvimport.Options{
		Logger: m.log, Getenv: m.opts.Getenv, Where: job.File,
		OnHeader: rej.header,
		OnRejected: func(line int, cells []string, problems []collector.Problem) {
			live.rejected.Add(1)
			rej.add(line, cells, problems)
			for _, p := range problems {
				strictProblems.add(problemOf(p, job.File))
			}
		},
		OnProgress: func(read, records int64, checking bool) {
			live.bytes.Store(read)
			live.rows.Store(records)
			live.checking.Store(checking)
		},
	})
	var run collector.Run
	cp := &capture{file: job.File}
	if err == nil {
		cp.src = src
		run = m.opts.Runner.Run(ctx, collector.Collector{Name: importName, Kind: "csv", Target: job.File, Timeout: importTimeout, Source: cp})
	}
	if rerr := rej.close(); rerr != nil {
		m.log.Warn("cannot write an import's rejected rows", "id", id, "err", rerr)
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	m.live = nil
	if ctx.Err() != nil {
		// The server is stopping: the job runs again at the next start.
		j.State, j.Started, j.Checking = Queued, nil, false
		m.removeIfThere(rej.path)
		m.saveLogged(j)
		m.log.Info("import interrupted; it runs again at the next start", "id", id)
		return
	}
	finished := m.opts.Now().UTC()
	j.Finished, j.Checking = &finished, false
	j.BytesRead, j.RowsRead, j.Rejected = live.bytes.Load(), cp.sum.Records, cp.sum.Rejected
	if err != nil {
		j.State, j.Status, j.Error = Failed, "error", err.Error()
		j.DurationSeconds = finished.Sub(started).Seconds()
	} else {
		j.Run = &run
		j.Stored, j.Existing, j.Conflicts = run.Stored, run.Existing, run.Conflicts
		j.Status, j.Error, j.DurationSeconds = run.Status, run.Error, run.Duration.Seconds()
		j.State = Done
		if run.Status == "error" {
			j.State = Failed
		}
		j.Problems, j.ProblemsTotal = cp.problems(run)
		if _, strict := errors.AsType[*csvimport.StrictError](cp.err); strict {
			// Nothing was emitted, so the run counted no problems: the
			// check's are the job's.
			j.Problems, j.ProblemsTotal = strictProblems.list, strictProblems.total
		}
	}
	if j.Problems == nil {
		j.Problems = []Problem{}
	}
	if j.Rejected == 0 {
		m.removeIfThere(rej.path)
	}
	m.removeIfThere(upload)
	m.saveLogged(j)
	m.prune()
	m.log.Info("import finished", "id", id, "file", j.File, "state", j.State, "status", j.Status,
		"rows", j.RowsRead, "stored", j.Stored, "existing", j.Existing, "rejected", j.Rejected)
}

// capture is the import's source as the runner sees it: it lists the
// problems of the batches, with their lines and fields, before they reach
// the runner (which keeps them only as text), and keeps the import's
// summary.
type capture struct {
	src  *csvimport.Source
	file string
	sum  csvimport.Summary
	err  error
	seen listing
}

func (c *capture) Collect(ctx context.Context, emit collector.Emit) error {
	c.sum, c.err = c.src.Import(ctx, func(ctx context.Context, b collector.Batch) error {
		for _, p := range b.Problems {
			c.seen.add(problemOf(p, c.file))
		}
		return emit(ctx, b)
	})
	return c.err
}

// problems lists the run's problems: those of reading (with their
// fields), then those of storing (conflicts, repeats), then any the run
// found itself (networks not in the catalog), which it lists as text.
func (c *capture) problems(run collector.Run) ([]Problem, int) {
	l := c.seen
	for _, p := range run.Outcome.Problems {
		l.add(problemOf(p, c.file))
	}
	known := map[string]bool{}
	for _, p := range l.list {
		known[text(p)] = true
	}
	for _, w := range run.Warnings {
		if !known[w] {
			l.add(problemOfText(w, c.file))
		}
	}
	return l.list, run.Problems + run.Notices
}

// text is a problem as collector.Problem's Error words it.
func text(p Problem) string {
	return collector.Problem{Where: p.Where, Message: p.Message, Warning: p.Warning}.Error()
}

// listing keeps the first MaxListed problems and counts them all.
type listing struct {
	list  []Problem
	total int
}

func (l *listing) add(p Problem) {
	l.total++
	if len(l.list) < MaxListed {
		l.list = append(l.list, p)
	}
}

// rejectedWriter writes the rejected records to a CSV as they are met:
// the header as read with line and problem columns, then each record's
// cells as read, its line and its problems — so the sender can fix the
// cells and send the file again (the importer ignores the two extra
// columns). A record shorter than the header is padded, so that line and
// problem stay in their columns; a longer one has its extra cells after
// them. The file is made at the first rejected record.
type rejectedWriter struct {
	path string
	head []string
	f    *os.File
	w    *csv.Writer
	err  error
}

func (r *rejectedWriter) header(cells []string) { r.head = append(r.head[:0], cells...) }

func (r *rejectedWriter) add(line int, cells []string, problems []collector.Problem) {
	if r.err != nil {
		return
	}
	if r.w == nil {
		if r.f, r.err = os.OpenFile(r.path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600); r.err != nil {
			return
		}
		r.w = csv.NewWriter(r.f)
		r.err = r.w.Write(append(append([]string{}, r.head...), "line", "problem"))
	}
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.Message
	}
	n := len(r.head)
	row := make([]string, 0, max(n, len(cells))+2)
	row = append(row, cells[:min(n, len(cells))]...)
	for len(row) < n {
		row = append(row, "")
	}
	row = append(row, strconv.Itoa(line), strings.Join(msgs, "; "))
	if len(cells) > n {
		row = append(row, cells[n:]...)
	}
	if err := r.w.Write(row); err != nil && r.err == nil {
		r.err = err
	}
}

func (r *rejectedWriter) close() error {
	if r.f == nil {
		return r.err
	}
	r.w.Flush()
	err := r.w.Error()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	if r.err != nil {
		return r.err
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", r.path, err)
	}
	return nil
}
