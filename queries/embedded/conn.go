package embedded

import (
	"context"
	"fmt"
	"runtime"
	"unsafe"

	"github.com/imscope/imscope/queries"
)

// conn is the process's one libchdb connection. Every call into the library
// holds sem, a one-slot semaphore rather than a mutex so that a caller whose
// context ends while waiting gives up instead of queueing forever.
type conn struct {
	lib    *library
	handle *uintptr // chdb_connection* as returned by chdb_connect
	native uintptr  // *handle, the chdb_connection passed to queries
	path   string
	sem    chan struct{}

	// Guarded by sem.
	currentDB string
}

// connect opens libchdb on dataDir. libchdb's signal handlers are switched
// off and the Go runtime's handlers are put back afterwards, so Ctrl-C and
// SIGTERM reach signal.NotifyContext and Go's own SIGSEGV/SIGURG handling
// keeps working.
func connect(lib *library, dataDir string) (*conn, error) {
	args := []string{"clickhouse", "--path=" + dataDir}
	argv := make([]*byte, len(args))
	for i, a := range args {
		argv[i] = cString(a)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	saved := saveSignals()
	lib.setSignalsEnabled(0)
	handle := lib.connect(int32(len(argv)), unsafe.Pointer(&argv[0]))
	saved.restore()
	runtime.KeepAlive(argv)
	if handle == nil {
		if who := heldBy(dataDir); who != "" {
			return nil, fmt.Errorf("embedded engine: the data directory %s is in use by %s (an `imscope serve`?); one process at a time may open it: stop that one, or give this command its own --data, or ask the running server (its API and Reports page)", dataDir, who)
		}
		return nil, fmt.Errorf("embedded engine: chdb_connect(%s) failed; is the directory writable, or is another data directory already open in this process?", dataDir)
	}
	native := *handle
	if native == 0 {
		return nil, fmt.Errorf("embedded engine: chdb_connect(%s) returned an empty connection", dataDir)
	}
	c := &conn{lib: lib, handle: handle, native: native, path: dataDir, sem: make(chan struct{}, 1)}
	return c, nil
}

// result is a copied query result.
type result struct {
	data        []byte
	rowsWritten uint64
}

// run executes one statement on database db. If ctx ends first, run returns
// ctx.Err() at once; the statement (which libchdb cannot interrupt) finishes
// in the background and releases the connection when done.
func (c *conn) run(ctx context.Context, db, query, format string, params []queries.Param) (result, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		<-c.sem
		return result{}, err
	}
	type outcome struct {
		res result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() { <-c.sem }()
		if c.currentDB != db {
			// db was checked against identRE when the engine opened.
			if _, err := c.call("USE `"+db+"`", "Null", nil); err != nil {
				done <- outcome{err: err}
				return
			}
			c.currentDB = db
		}
		res, err := c.call(query, format, params)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
}

// call runs one statement; the caller holds sem.
func (c *conn) call(query, format string, params []queries.Param) (result, error) {
	res, err := c.send(query, format, params)
	if err != nil {
		return result{}, err
	}
	if res == 0 {
		return result{}, fmt.Errorf("chdb returned no result (connection lost?)")
	}
	defer c.lib.destroyResult(res)
	if msg := c.lib.resultError(res); msg != "" {
		c.drain()
		return result{}, &queries.Error{Message: msg}
	}
	out := result{rowsWritten: c.lib.resultRowsWritten(res)}
	if size := c.lib.resultLength(res); size > 0 {
		out.data = make([]byte, size)
		copy(out.data, unsafe.Slice(c.lib.resultBuffer(res), size))
	}
	return out, nil
}

// send hands one statement to libchdb and returns its result handle (0 for
// none), which the caller destroys; the caller holds sem.
func (c *conn) send(query, format string, params []queries.Param) (uintptr, error) {
	n := len(params)
	names := make([]*byte, n+1)
	values := make([]*byte, n+1)
	nameLens := make([]uintptr, n+1)
	valueLens := make([]uintptr, n+1)
	for i, p := range params {
		text, err := queries.FormatParam(p.Value)
		if err != nil {
			return 0, fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		names[i], nameLens[i] = cString(p.Name), uintptr(len(p.Name))
		values[i], valueLens[i] = cString(text), uintptr(len(text))
	}
	q, f := cString(query), cString(format)
	res := c.lib.queryWithParamsN(c.native,
		unsafe.Pointer(q), uintptr(len(query)), unsafe.Pointer(f), uintptr(len(format)),
		unsafe.Pointer(&names[0]), unsafe.Pointer(&nameLens[0]),
		unsafe.Pointer(&values[0]), unsafe.Pointer(&valueLens[0]), uintptr(n))
	runtime.KeepAlive(names)
	runtime.KeepAlive(values)
	runtime.KeepAlive(q)
	runtime.KeepAlive(f)
	return res, nil
}

// drain runs a statement whose output is thrown away after one that failed.
// libchdb 26.5 keeps what a statement that fails while running had already
// written — the RowBinaryWithNamesAndTypes header, the first rows — and puts
// it in front of the next statement's result, which then decodes with the
// failed statement's columns (a throwIf half-way through a scan, then
// SELECT currentDatabase(), gave 28 UInt8 rows). The caller holds sem.
func (c *conn) drain() {
	if res, _ := c.send("SELECT 1", "Null", nil); res != 0 {
		c.lib.destroyResult(res)
	}
}

// close closes the native connection; the caller ensures nothing runs.
func (c *conn) close() {
	c.sem <- struct{}{}
	defer func() { <-c.sem }()
	if c.handle != nil {
		saved := saveSignals()
		c.lib.closeConn(c.handle)
		saved.restore()
		c.handle, c.native = nil, 0
	}
}
