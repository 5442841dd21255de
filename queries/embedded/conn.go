package embedded

import (
	"context"
	"fmt"
	"runtime"
	"time"
	"unsafe"

	"github.com/imscope/imscope/queries"
)

// conn is the process's one libchdb connection. Every call into the library
// goes through gate, which lets one statement in at a time, readers'
// (queries.Interactive) before background work, and lets a caller whose
// context ends while waiting give up instead of queueing forever.
type conn struct {
	lib    *library
	handle *uintptr // chdb_connection* as returned by chdb_connect
	native uintptr  // *handle, the chdb_connection passed to queries
	path   string
	gate   *gate

	// Guarded by gate: only the statement let in touches it.
	currentDB string
}

// connect opens libchdb on dataDir. libchdb's signal handlers are switched
// off and the Go runtime's handlers are put back afterwards, so Ctrl-C and
// SIGTERM reach signal.NotifyContext and Go's own SIGSEGV/SIGURG handling
// keeps working. configFile, when set, is passed as --config-file.
func connect(lib *library, dataDir, configFile string) (*conn, error) {
	args := []string{"clickhouse", "--path=" + dataDir}
	if configFile != "" {
		args = append(args, "--config-file="+configFile)
	}
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
			return nil, fmt.Errorf("embedded engine: the data directory %s is in use by %s, which does not answer imscope's commands on its socket there (an imscope command still running, an older imscope, or a serve of another --database); one process at a time may open the directory: wait for it or stop it, give this command its own --data, or send the work to a server with --server URL and IMSCOPE_ADMIN_TOKEN", dataDir, who)
		}
		return nil, fmt.Errorf("embedded engine: chdb_connect(%s) failed; is the directory writable and not held by another program? (libchdb printed its reason above)", dataDir)
	}
	native := *handle
	if native == 0 {
		return nil, fmt.Errorf("embedded engine: chdb_connect(%s) returned an empty connection", dataDir)
	}
	c := &conn{lib: lib, handle: handle, native: native, path: dataDir, gate: newGate()}
	return c, nil
}

// result is a copied query result.
type result struct {
	data        []byte
	rowsWritten uint64
	took        time.Duration // running time, without the wait for the gate
}

// run executes one statement on database db, in ctx's lane (queries.
// Interactive). If ctx ends first, run returns ctx.Err() at once; the
// statement (which libchdb cannot interrupt) finishes in the background and
// releases the connection when done. The running time is reported to ctx's
// statement clock (queries.TimeStatements).
func (c *conn) run(ctx context.Context, db, query, format string, params []queries.Param) (result, error) {
	interactive := queries.IsInteractive(ctx)
	if err := c.gate.enter(ctx, interactive); err != nil {
		return result{}, err
	}
	var requestDone <-chan struct{}
	if interactive {
		requestDone = ctx.Done()
	}
	if err := ctx.Err(); err != nil {
		c.gate.leave(false, nil)
		return result{}, err
	}
	type outcome struct {
		res result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer c.gate.leave(interactive, requestDone)
		start := time.Now()
		if c.currentDB != db {
			// db was checked against identRE when the engine opened.
			if _, err := c.call("USE `"+db+"`", "Null", nil); err != nil {
				done <- outcome{err: err}
				return
			}
			c.currentDB = db
		}
		res, err := c.call(query, format, params)
		res.took = time.Since(start)
		queries.NoteStatementTime(ctx, res.took)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
}

// call runs one statement; the caller holds the gate.
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
// none), which the caller destroys; the caller holds the gate.
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
// SELECT currentDatabase(), gave 28 UInt8 rows). The caller holds the gate.
func (c *conn) drain() {
	if res, _ := c.send("SELECT 1", "Null", nil); res != 0 {
		c.lib.destroyResult(res)
	}
}

// close closes the native connection; the caller ensures nothing runs.
func (c *conn) close() {
	_ = c.gate.enter(context.Background(), false)
	defer c.gate.leave(false, nil)
	if c.handle != nil {
		saved := saveSignals()
		c.lib.closeConn(c.handle)
		saved.restore()
		c.handle, c.native = nil, 0
	}
}
