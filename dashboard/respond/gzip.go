package respond

import (
	"bytes"
	"compress/gzip"
	"strconv"
	"strings"
	"sync"
)

// MinGzip is the size below which compressing costs more than it saves.
const MinGzip = 512

// Gzip compresses b at a level of compress/gzip. Writers are pooled per
// level: a flate writer is ~1 MB of tables, too much to make per page.
func Gzip(b []byte, level int) []byte {
	pool, _ := gzipPools.LoadOrStore(level, &sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, level) // a valid level: no error
		return zw
	}})
	zw := pool.(*sync.Pool).Get().(*gzip.Writer)
	defer pool.(*sync.Pool).Put(zw)
	buf := bytes.NewBuffer(make([]byte, 0, len(b)/4))
	zw.Reset(buf)
	_, _ = zw.Write(b) // bytes.Buffer writes do not fail
	_ = zw.Close()
	return buf.Bytes()
}

var gzipPools sync.Map // level → *sync.Pool of *gzip.Writer

// AcceptsGzip reads an Accept-Encoding header: gzip (or *) with a q-value
// above zero; an explicit gzip;q=0 refuses it even when * is accepted.
func AcceptsGzip(header string) bool {
	gz, star := -1.0, -1.0
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			gz = q
		case "*":
			star = q
		}
	}
	if gz >= 0 {
		return gz > 0
	}
	return star > 0
}
