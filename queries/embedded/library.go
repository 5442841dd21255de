package embedded

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
)

// LibraryName is the file name of chDB's shared library.
const LibraryName = "libchdb.so"

// ProjectLibrary is where `make deps` puts the library, relative to the
// project folder (the npm package @chdb/lib-linux-x64-gnu, pinned in
// third_party/package-lock.json).
const ProjectLibrary = "third_party/node_modules/@chdb/lib-linux-x64-gnu/" + LibraryName

// ErrLibraryMissing is returned when libchdb.so is found nowhere; its text
// says how to get it.
var ErrLibraryMissing = errors.New("embedded engine: " + LibraryName + " not found; run `make deps` (fetches the pinned npm package @chdb/lib-linux-x64-gnu), or pass --libchdb PATH / set IMSCOPE_LIBCHDB, or use a ClickHouse server with --clickhouse URL")

// Candidates lists where libchdb.so is looked for, in order: the explicit
// path (--libchdb or IMSCOPE_LIBCHDB, resolved by the caller), the project
// folder (the working directory and its parents), next to the running binary,
// then the system library path (dlopen's own search).
func Candidates(explicit string) []string {
	if explicit != "" {
		return []string{explicit}
	}
	var out []string
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			out = append(out, filepath.Join(dir, ProjectLibrary))
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		out = append(out, filepath.Join(dir, LibraryName), filepath.Join(dir, "..", ProjectLibrary))
	}
	return append(out, LibraryName) // bare name: LD_LIBRARY_PATH, /etc/ld.so.cache, /usr/lib
}

// LibraryError is an explicitly given library (--libchdb, IMSCOPE_LIBCHDB)
// that cannot be used: missing, unreadable or not a loadable library. The
// caller knows which setting gave the path and can say so.
type LibraryError struct{ Err error }

func (e *LibraryError) Error() string { return e.Err.Error() }
func (e *LibraryError) Unwrap() error { return e.Err }

// library holds the bound C API of libchdb.
type library struct {
	path string

	connect           func(argc int32, argv unsafe.Pointer) *uintptr
	closeConn         func(conn *uintptr)
	queryWithParamsN  func(conn uintptr, query unsafe.Pointer, queryLen uintptr, format unsafe.Pointer, formatLen uintptr, names unsafe.Pointer, nameLens unsafe.Pointer, values unsafe.Pointer, valueLens unsafe.Pointer, count uintptr) uintptr
	destroyResult     func(res uintptr)
	resultBuffer      func(res uintptr) *byte
	resultLength      func(res uintptr) uintptr
	resultError       func(res uintptr) string
	resultRowsWritten func(res uintptr) uint64
	setSignalsEnabled func(enabled int32)
}

// loadLibrary finds and binds libchdb. explicit is --libchdb or IMSCOPE_LIBCHDB.
func loadLibrary(explicit string) (*library, error) {
	if runtime.GOOS != "linux" {
		return nil, fmt.Errorf("embedded engine: chDB is loaded on Linux only; use a ClickHouse server with --clickhouse URL")
	}
	var handle uintptr
	var path string
	var errs []error
	for _, c := range Candidates(explicit) {
		if filepath.IsAbs(c) || filepath.Base(c) != c {
			if _, err := os.Stat(c); err != nil {
				if explicit != "" {
					return nil, &LibraryError{fmt.Errorf("embedded engine: cannot use %s: %w", c, err)}
				}
				continue
			}
		}
		h, err := purego.Dlopen(c, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c, err))
			continue
		}
		handle, path = h, c
		break
	}
	if handle == 0 {
		if len(errs) > 0 && explicit != "" {
			return nil, &LibraryError{fmt.Errorf("embedded engine: cannot load %s: %w", explicit, errors.Join(errs...))}
		}
		return nil, ErrLibraryMissing
	}
	lib := &library{path: path}
	for name, fn := range map[string]any{
		"chdb_connect":                     &lib.connect,
		"chdb_close_conn":                  &lib.closeConn,
		"chdb_query_with_params_n":         &lib.queryWithParamsN,
		"chdb_destroy_query_result":        &lib.destroyResult,
		"chdb_result_buffer":               &lib.resultBuffer,
		"chdb_result_length":               &lib.resultLength,
		"chdb_result_error":                &lib.resultError,
		"chdb_result_rows_written":         &lib.resultRowsWritten,
		"chdb_set_signal_handlers_enabled": &lib.setSignalsEnabled,
	} {
		sym, err := purego.Dlsym(handle, name)
		if err != nil {
			return nil, fmt.Errorf("embedded engine: %s lacks %s (need chDB 26.5 or newer): %w", path, name, err)
		}
		purego.RegisterFunc(fn, sym)
	}
	return lib, nil
}

// cString returns a NUL-terminated copy of s in Go memory.
func cString(s string) *byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return &b[0]
}
