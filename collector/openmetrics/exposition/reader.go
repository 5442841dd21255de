package exposition

import (
	"bytes"
	"errors"
	"io"
)

// initialBuffer is the line reader's starting buffer: a read from the
// network rarely brings more, and most exposition lines are under 200 bytes.
const initialBuffer = 64 << 10

// lineReader hands out the lines of a stream as slices of one buffer, which
// grows only to hold the longest line: memory is bounded by the longest line,
// whatever the length of the body.
type lineReader struct {
	r          io.Reader
	buf        []byte
	start, end int   // unread bytes: buf[start:end]
	err        error // the reader's error, once it has returned one
}

func (lr *lineReader) reset(r io.Reader) {
	lr.r, lr.start, lr.end, lr.err = r, 0, 0, nil
	if lr.buf == nil {
		lr.buf = make([]byte, initialBuffer)
	}
}

// next returns the next line with its '\n', or the last bytes of the stream
// when they end without one; nil at the end of the stream. The line is
// valid until the next call. A read error other than io.EOF is returned.
func (lr *lineReader) next() ([]byte, error) {
	scanned := lr.start // bytes before this hold no '\n'
	for {
		if i := bytes.IndexByte(lr.buf[scanned:lr.end], '\n'); i >= 0 {
			line := lr.buf[lr.start : scanned+i+1]
			lr.start = scanned + i + 1
			return line, nil
		}
		if lr.err != nil {
			if errors.Is(lr.err, io.EOF) {
				line := lr.buf[lr.start:lr.end]
				lr.start = lr.end
				if len(line) == 0 {
					return nil, nil
				}
				return line, nil
			}
			return nil, lr.err
		}
		scanned = lr.end
		if lr.start > 0 && lr.end == len(lr.buf) {
			n := copy(lr.buf, lr.buf[lr.start:lr.end])
			scanned -= lr.start
			lr.start, lr.end = 0, n
		}
		if lr.end == len(lr.buf) {
			grown := make([]byte, 2*len(lr.buf))
			copy(grown, lr.buf[:lr.end])
			lr.buf = grown
		}
		n, err := lr.r.Read(lr.buf[lr.end:])
		lr.end += n
		if err != nil {
			lr.err = err
		} else if n == 0 {
			continue
		}
	}
}

// peekEnd reports whether the stream has nothing after the last line
// returned.
func (lr *lineReader) peekEnd() (bool, error) {
	for lr.start == lr.end {
		if lr.err != nil {
			if errors.Is(lr.err, io.EOF) {
				return true, nil
			}
			return false, lr.err
		}
		lr.start, lr.end = 0, 0
		n, err := lr.r.Read(lr.buf)
		lr.end = n
		if err != nil {
			lr.err = err
		}
	}
	return false, nil
}
