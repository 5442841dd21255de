package csvimport

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// textEncoding is a supported character encoding of the input file.
type textEncoding int

const (
	encUTF8 textEncoding = iota
	encGBK
	encGB18030
)

// encodingOf maps the encoding key's value onto a supported encoding.
func encodingOf(name string) (textEncoding, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "utf-8", "utf8":
		return encUTF8, nil
	case "gbk", "cp936":
		return encGBK, nil
	case "gb18030":
		return encGB18030, nil
	}
	return 0, invalid("encoding", fmt.Sprintf("%q is not one of utf-8, gbk, gb18030", name))
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// textReader turns the file's bytes into UTF-8 for the CSV reader: it skips
// a UTF-8 byte-order mark (spreadsheets write one) and decodes GBK or
// GB18030. Bytes that are not valid in the declared encoding come out as
// U+FFFD rather than stopping the import: the label then shows where the
// damage is.
//
// A UTF-16 file (what spreadsheets call "Unicode text") is refused with a
// hint rather than read as garbage.
func textReader(r io.Reader, enc textEncoding) (io.Reader, error) {
	switch enc {
	case encGBK:
		return transform.NewReader(r, simplifiedchinese.GBK.NewDecoder()), nil
	case encGB18030:
		return transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder()), nil
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(len(utf8BOM))
	switch {
	case bytes.Equal(head, utf8BOM):
		br.Discard(len(utf8BOM))
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, errUTF16
	}
	return br, nil
}

var errUTF16 = errors.New(`is UTF-16 text, not UTF-8 or GBK; save it as "CSV UTF-8", or convert it with iconv -f UTF-16 -t UTF-8`)

// gunzipIf decompresses r when name ends in .gz.
func gunzipIf(name string, r io.Reader) (io.Reader, error) {
	if !strings.HasSuffix(strings.ToLower(name), ".gz") {
		return r, nil
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("cannot decompress %s: %w", name, err)
	}
	return zr, nil
}
