package importjob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imscope/imscope/collector"
)

// Runner runs a collector once and records the run (collector.Runner).
type Runner interface {
	Run(ctx context.Context, c collector.Collector) collector.Run
}

// Options configure a Manager.
type Options struct {
	// Dir holds a folder per job (DATA/imports).
	Dir string
	// Runner runs the imports: the server's, so that an import is
	// recorded and stored like its collectors' runs.
	Runner Runner
	// MaxBytes caps an upload (default DefaultMaxBytes).
	MaxBytes int64
	// Getenv reads the panel hashing key; nil uses os.Getenv.
	Getenv func(string) string
	Logger *slog.Logger
	// Keep and MaxAge bound the jobs kept: the newest Keep (default 100),
	// none older than MaxAge (default 30 days). Queued and running jobs
	// are always kept.
	Keep   int
	MaxAge time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Defaults of Options.
const (
	DefaultMaxBytes = 4 << 30
	DefaultKeep     = 100
	DefaultMaxAge   = 30 * 24 * time.Hour
)

// importTimeout bounds one import, as `imscope import` does: a file of
// many gigabytes may take hours, and nothing else waits for it.
const importTimeout = 24 * time.Hour

// Manager stages uploads, queues them and runs them one at a time (Run).
type Manager struct {
	opts Options
	log  *slog.Logger

	mu    sync.Mutex
	jobs  map[string]*Job
	queue []string      // ids of queued jobs, oldest first
	live  *liveProgress // the running job's progress; nil when none runs
	wake  chan struct{}
}

// liveProgress is how far the running job is, updated as it reads.
type liveProgress struct {
	id                    string
	bytes, rows, rejected atomic.Int64
	checking              atomic.Bool
}

// New opens the job folder: it reads the jobs kept there, queues again
// those a stop interrupted (their upload is still there) and removes
// what a crash left half made.
func New(opts Options) (*Manager, error) {
	if opts.Runner == nil {
		return nil, errors.New("import jobs: no runner")
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Keep <= 0 {
		opts.Keep = DefaultKeep
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the imports folder: %w", err)
	}
	m := &Manager{opts: opts, log: opts.Logger, jobs: map[string]*Job{}, wake: make(chan struct{}, 1)}
	if err := m.load(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.prune()
	m.mu.Unlock()
	return m, nil
}

// MaxBytes is the largest upload taken.
func (m *Manager) MaxBytes() int64 { return m.opts.MaxBytes }

// TooLargeError is an upload over the cap; nothing of it is kept.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the upload is over %d bytes, the most this server takes (dashboard.max_import_bytes)", e.Limit)
}

// Start stores body as a new job's upload and queues the job. It returns
// once the upload is stored; the import runs later (Run). A spec that is
// not valid is an *imscope.InvalidError naming the parameter, a body over
// MaxBytes a *TooLargeError, and an error reading the body is returned
// wrapped; in each case nothing is left behind.
func (m *Manager) Start(spec Spec, body io.Reader) (Job, error) {
	spec, err := spec.check()
	if err != nil {
		return Job{}, err
	}
	if err := m.panelReady(spec); err != nil {
		return Job{}, err
	}
	now := m.opts.Now().UTC()
	id := newID(now)
	dir := filepath.Join(m.opts.Dir, id)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return Job{}, fmt.Errorf("cannot create the import's folder: %w", err)
	}
	n, err := stage(filepath.Join(dir, uploadName(spec.gzipped())), body, m.opts.MaxBytes)
	if err != nil {
		os.RemoveAll(dir)
		return Job{}, err
	}
	job := &Job{ID: id, Kind: spec.Kind, File: spec.File, Encoding: spec.Encoding, Strict: spec.Strict, Source: spec.Source,
		Gzip: spec.gzipped(), State: Queued, Bytes: n, Created: now, Problems: []Problem{}}
	if err := save(dir, job); err != nil {
		os.RemoveAll(dir)
		return Job{}, err
	}
	m.mu.Lock()
	m.jobs[id] = job
	m.queue = append(m.queue, id)
	m.prune()
	out := m.view(job)
	m.mu.Unlock()
	m.signal()
	m.log.Info("import queued", "id", id, "kind", spec.Kind, "file", spec.File, "bytes", n)
	return out, nil
}

// stage copies body into path through a temporary name, at most max
// bytes, and returns its size.
func stage(path string, body io.Reader, max int64) (int64, error) {
	part := path + ".part"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("cannot store the upload: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(body, max+1))
	if err == nil && n > max {
		err = &TooLargeError{Limit: max}
	} else if err != nil {
		err = fmt.Errorf("cannot read the upload: %w", err)
	}
	if err == nil {
		if err = f.Sync(); err != nil {
			err = fmt.Errorf("cannot store the upload: %w", err)
		}
	}
	if cerr := f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("cannot store the upload: %w", cerr)
	}
	if err == nil {
		err = os.Rename(part, path)
	}
	if err != nil {
		os.Remove(part)
		return 0, err
	}
	return n, nil
}

// uploadName is the upload's name in its job's folder; the importer
// decompresses by the name.
func uploadName(gz bool) string {
	if gz {
		return "upload.csv.gz"
	}
	return "upload.csv"
}

// Job returns the job with the id, as it is now.
func (m *Manager) Job(id string) (Job, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return Job{}, false
	}
	return m.view(j), true
}

// Jobs returns the jobs kept, newest first.
func (m *Manager) Jobs() []Job {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Job, 0, len(m.jobs))
	for _, j := range m.newestFirst() {
		out = append(out, m.view(j))
	}
	return out
}

// Rejected opens the rejected records of a finished job, as a CSV: the
// file's header with line and problem columns, then each rejected record
// as read. An error wrapping fs.ErrNotExist means there is no such job,
// it has not finished, or it rejected nothing.
func (m *Manager) Rejected(id string) (*os.File, error) {
	m.mu.Lock()
	j, ok := m.jobs[id]
	finished := ok && j.State.Finished() && j.Rejected > 0
	m.mu.Unlock()
	if !finished {
		return nil, fmt.Errorf("no rejected rows of import %s: %w", id, fs.ErrNotExist)
	}
	f, err := os.Open(filepath.Join(m.opts.Dir, id, rejectedName))
	if err != nil {
		return nil, fmt.Errorf("cannot open the rejected rows of import %s: %w", id, err)
	}
	return f, nil
}

// view is a copy of j as it is now: with the running job's progress.
// The caller holds mu.
func (m *Manager) view(j *Job) Job {
	out := *j
	if out.State == Running && m.live != nil && m.live.id == j.ID {
		out.BytesRead, out.RowsRead, out.Rejected = m.live.bytes.Load(), m.live.rows.Load(), m.live.rejected.Load()
		out.Checking = m.live.checking.Load()
		if out.Started != nil {
			out.DurationSeconds = m.opts.Now().Sub(*out.Started).Seconds()
		}
	}
	return out
}

// newestFirst lists the jobs by creation, newest first. The caller holds mu.
func (m *Manager) newestFirst() []*Job {
	all := make([]*Job, 0, len(m.jobs))
	for _, j := range m.jobs {
		all = append(all, j)
	}
	slices.SortFunc(all, func(a, b *Job) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return -cmpString(a.ID, b.ID)
	})
	return all
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// prune forgets and removes the jobs beyond Keep or older than MaxAge,
// never one queued or running. The caller holds mu.
func (m *Manager) prune() {
	cutoff := m.opts.Now().Add(-m.opts.MaxAge)
	for i, j := range m.newestFirst() {
		if !j.State.Finished() || (i < m.opts.Keep && j.Created.After(cutoff)) {
			continue
		}
		delete(m.jobs, j.ID)
		if err := os.RemoveAll(filepath.Join(m.opts.Dir, j.ID)); err != nil {
			m.log.Warn("cannot remove an old import", "id", j.ID, "err", err)
		}
	}
}

func (m *Manager) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Run imports the queued jobs one at a time, oldest first, until ctx ends.
// A job the end of ctx interrupts is queued again, to run from the start
// when the server next starts.
func (m *Manager) Run(ctx context.Context) {
	for {
		id, ok := m.next()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-m.wake:
				continue
			}
		}
		m.run(ctx, id)
		if ctx.Err() != nil {
			return
		}
	}
}

// next takes the oldest queued job off the queue.
func (m *Manager) next() (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for len(m.queue) > 0 {
		id := m.queue[0]
		m.queue = m.queue[1:]
		if j, ok := m.jobs[id]; ok && j.State == Queued {
			return id, true
		}
	}
	return "", false
}

func newID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return now.Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}
