package embedded

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imscope/imscope/queries"
)

// Options configure the embedded engine.
type Options struct {
	// DataDir is where ClickHouse keeps its files (created if missing).
	DataDir string
	// Library is an explicit path to libchdb.so (--libchdb, IMSCOPE_LIBCHDB).
	Library string
	// Database is the database this engine reads and writes; created if
	// missing. Tests give each test its own.
	Database string
	// TempDir holds batch files on their way in; DataDir/tmp when empty.
	TempDir string
	// ConfigFile is a ClickHouse XML config the process's connection starts
	// with (--config-file): the tests' one-shard cluster of this engine
	// (queries/embedded/cluster). It is read by the first Open only.
	ConfigFile string
	Logger     *slog.Logger
}

// Engine is a queries.Engine bound to one database of the process's libchdb
// connection.
type Engine struct {
	c       *conn
	db      string
	tempDir string
	log     *slog.Logger
	closed  atomic.Bool

	typesMu sync.Mutex
	types   map[string][]column // table → columns, for RowBinary batches

	pacesMu sync.Mutex
	paces   map[string]*queries.Pace // table → chunk sizing of inserts (batch.go)
	loads   atomic.Int64             // chunks loaded, for tests
}

var _ queries.Engine = (*Engine)(nil)

// identRE is what a database name may look like; it is used unquoted in USE.
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// The process-wide connection and how many engines use it.
var (
	procMu   sync.Mutex
	proc     *conn
	procRefs int
	procLib  *library
)

// Open returns an engine on opts.Database, connecting libchdb on first use.
// libchdb supports one data directory per process: opening another directory
// while engines are open is an error.
func Open(ctx context.Context, opts Options) (*Engine, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Database == "" {
		opts.Database = "imscope"
	}
	if !identRE.MatchString(opts.Database) {
		return nil, fmt.Errorf("embedded engine: database name %q must be letters, digits and _ (and not start with a digit)", opts.Database)
	}
	dir, err := filepath.Abs(opts.DataDir)
	if err != nil || opts.DataDir == "" {
		return nil, fmt.Errorf("embedded engine: a data directory is required (--data)")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("embedded engine: cannot create data directory: %w", err)
	}
	tmp := opts.TempDir
	if tmp == "" {
		tmp = filepath.Join(dir, "tmp", "imscope-batches")
	}
	if err := os.MkdirAll(tmp, 0o750); err != nil {
		return nil, fmt.Errorf("embedded engine: cannot create batch directory: %w", err)
	}

	procMu.Lock()
	defer procMu.Unlock()
	if proc != nil && proc.path != dir {
		return nil, fmt.Errorf("embedded engine: %s is open in this process; libchdb allows one data directory per process, so %s cannot be opened too", proc.path, dir)
	}
	if proc == nil {
		if procLib == nil {
			lib, err := loadLibrary(opts.Library)
			if err != nil {
				return nil, err
			}
			procLib = lib
			opts.Logger.Debug("loaded libchdb", "path", lib.path)
		}
		c, err := connect(procLib, dir, opts.ConfigFile)
		if err != nil {
			return nil, err
		}
		proc = c
	}
	e := &Engine{c: proc, db: opts.Database, tempDir: tmp, log: opts.Logger, types: map[string][]column{}, paces: map[string]*queries.Pace{}}
	procRefs++
	// CREATE DATABASE runs in "default" so that USE of a missing database cannot fail first.
	if _, err := e.c.run(ctx, "default", "CREATE DATABASE IF NOT EXISTS `"+e.db+"`", "Null", nil); err != nil {
		procRefs--
		e.release()
		return nil, fmt.Errorf("embedded engine: cannot create database %s: %w", e.db, err)
	}
	return e, nil
}

// Kind implements queries.Engine.
func (e *Engine) Kind() string { return "embedded" }

// Database is the database the engine is bound to.
func (e *Engine) Database() string { return e.db }

// Exec implements queries.Engine.
func (e *Engine) Exec(ctx context.Context, query string, params ...queries.Param) error {
	if e.closed.Load() {
		return queries.ErrClosed
	}
	res, err := e.c.run(ctx, e.db, query, "Null", params)
	e.noteSlow(query, res.took)
	return err
}

// slowStatement is how long a statement may hold the engine before it is
// logged (at debug level): the embedded engine runs one at a time, so a
// reader arriving meanwhile waits that long.
const slowStatement = 250 * time.Millisecond

// noteSlow logs a statement that held the engine long.
func (e *Engine) noteSlow(query string, took time.Duration) {
	if took < slowStatement {
		return
	}
	q := strings.Join(strings.Fields(query), " ")
	if len(q) > 160 {
		q = q[:160] + "…"
	}
	e.log.Debug("a statement held the engine long", "took", took.Round(time.Millisecond), "statement", q)
}

// Query implements queries.Engine. The whole result is read into memory
// (libchdb materialises it anyway) and decoded row by row from there.
func (e *Engine) Query(ctx context.Context, query string, params ...queries.Param) (queries.Rows, error) {
	if e.closed.Load() {
		return nil, queries.ErrClosed
	}
	res, err := e.c.run(ctx, e.db, query, "RowBinaryWithNamesAndTypes", params)
	e.noteSlow(query, res.took)
	if err != nil {
		return nil, err
	}
	return newRows(res.data)
}

// Ping implements queries.Engine.
func (e *Engine) Ping(ctx context.Context) error {
	rows, err := e.Query(ctx, "SELECT 1")
	if err != nil {
		return err
	}
	return rows.Close()
}

// Close implements queries.Engine. The native connection closes with the
// last engine that uses it.
func (e *Engine) Close() error {
	if e.closed.Swap(true) {
		return nil
	}
	procMu.Lock()
	defer procMu.Unlock()
	procRefs--
	e.release()
	return nil
}

// release closes the native connection when no engine uses it; procMu held.
func (e *Engine) release() {
	if procRefs == 0 && proc != nil {
		proc.close()
		proc = nil
	}
}
