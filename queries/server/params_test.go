package server

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"

	"github.com/imscope/imscope/queries"
)

// TestParamsOnTheWire encodes parameters exactly as clickhouse-go puts them
// on the native protocol and undoes them as the server does — readQuoted
// for the Field dump, then the escaped-text parser for a String
// placeholder — to show that the text queries.FormatParam makes arrives
// unchanged, and the value with it, with nothing added by this engine.
func TestParamsOnTheWire(t *testing.T) {
	values := []string{
		"",
		"plain",
		`it's "quoted"`,
		`back\slash \n not a newline \\ two`,
		"tab\there\nnewline\r\n",
		"nul\x00byte",
		"emoji 😀🇯🇵 and 中文 and Ελληνικά",
		`\N`,
		"'; DROP TABLE t; --",
		"{x:String}",
	}
	for _, v := range values {
		text, err := queries.FormatParam(v)
		if err != nil {
			t.Fatal(err)
		}
		var buf chproto.Buffer
		params := proto.Parameters{{Key: "p", Value: text}}
		if err := params.Encode(&buf, proto.DBMS_MIN_PROTOCOL_VERSION_WITH_PARAMETERS); err != nil {
			t.Fatal(err)
		}
		name, rest := readString(t, buf.Buf)
		flags, n := binary.Uvarint(rest)
		dump, rest := readString(t, rest[n:])
		if name != "p" || flags != 2 || len(rest) != 0 {
			t.Fatalf("%q: name %q flags %d rest %q", v, name, flags, rest)
		}
		// Server: Field::restoreFromDump → readQuoted.
		if !strings.HasPrefix(dump, "'") || !strings.HasSuffix(dump, "'") {
			t.Fatalf("%q: dump %q is not a quoted string", v, dump)
		}
		got := unescape(dump[1 : len(dump)-1])
		if got != text {
			t.Errorf("%q: the server reads %q, FormatParam made %q", v, got, text)
		}
		// Server: the String placeholder parses escaped text.
		if back := unescape(got); back != v && v != `\N` {
			t.Errorf("%q: the placeholder gets %q", v, back)
		}
	}
}

func readString(t *testing.T, b []byte) (string, []byte) {
	t.Helper()
	l, n := binary.Uvarint(b)
	if n <= 0 || uint64(len(b)-n) < l {
		t.Fatalf("short buffer %q", b)
	}
	return string(b[n : n+int(l)]), b[n+int(l):]
}

// unescape undoes ClickHouse's backslash escapes (readQuoted's and the
// escaped format's share them).
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func TestWithParams(t *testing.T) {
	ctx := context.Background()
	if got, err := withParams(ctx, nil); err != nil || got != ctx {
		t.Fatalf("no params: %v %v", got, err)
	}
	got, err := withParams(ctx, []queries.Param{queries.Named("a", 1), queries.Named("b", []string{"x"}), queries.Named("c", nil)})
	if err != nil || got == ctx {
		t.Fatalf("params: %v %v", got, err)
	}
	_, err = withParams(ctx, []queries.Param{queries.Named("bad", struct{}{})})
	if err == nil || !strings.Contains(err.Error(), "parameter bad") {
		t.Fatalf("unsupported value: %v", err)
	}
}
