package server

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/queries"
)

// openOld opens the engine on an old server with the version gate lifted.
func openOld(t *testing.T, url string, opts Options) *Engine {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts.URL = url
	e, err := open(ctx, opts, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// scanAll reads every row as []any through Scan(*any), as the conformance
// suite does.
func scanAll(t *testing.T, rows queries.Rows) [][]any {
	t.Helper()
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(rows.Columns()))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// testOldServerDecodes checks the read side of the engine against an old
// server. The checks run in order on one engine, each in its own function so
// a failure points at the behaviour it is about; the last one closes it.
func testOldServerDecodes(t *testing.T, url string) {
	e := openOld(t, url, Options{Database: "imscope_decode"})
	ctx := context.Background()
	if e.Database() != "imscope_decode" || e.Kind() != "server" {
		t.Fatalf("Database %q Kind %q", e.Database(), e.Kind())
	}
	checkOldServerColumnTypes(ctx, t, e)
	checkOldServerTypedScan(ctx, t, e)
	checkOldServerStreaming(ctx, t, e)
	checkOldServerEmptyResults(ctx, t, e)
	checkOldServerErrors(ctx, t, e)
	checkOldServerDeadlines(ctx, t, e, url)
	checkOldServerClosed(ctx, t, e)
}

// checkOldServerColumnTypes decodes one row holding a column of every type
// the native protocol decoder knows, into *any, checking both the type name
// the server reports and the Go value it decodes to.
func checkOldServerColumnTypes(ctx context.Context, t *testing.T, e *Engine) {
	// The server runs in Asia/Tokyo (UTC+9): a Date still comes back as
	// midnight UTC of its day and a DateTime as its instant in UTC.
	cols := []struct {
		expr string
		typ  string
		want any
	}{
		{"toInt8(-1)", "Int8", int64(-1)},
		{"toInt16(-300)", "Int16", int64(-300)},
		{"toInt32(-70000)", "Int32", int64(-70000)},
		{"toInt64(-5)", "Int64", int64(-5)},
		{"toUInt8(200)", "UInt8", uint64(200)},
		{"toUInt16(60000)", "UInt16", uint64(60000)},
		{"toUInt32(4000000000)", "UInt32", uint64(4000000000)},
		{"toUInt64(18446744073709551615)", "UInt64", uint64(18446744073709551615)},
		{"toFloat32(1.5)", "Float32", 1.5},
		{"toFloat64(0.1)", "Float64", 0.1},
		{`'it''s\ttab\\back 😀中文'`, "String", "it's\ttab\\back 😀中文"},
		{"toFixedString('ab', 4)", "FixedString(4)", "ab\x00\x00"},
		{"toDate('2020-01-02')", "Date", time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"toDateTime('2020-01-02 12:00:00')", "DateTime", time.Date(2020, 1, 2, 3, 0, 0, 0, time.UTC)},
		{"toDateTime('2020-01-02 03:04:05', 'UTC')", "DateTime('UTC')", time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"NULL", "Nullable(Nothing)", nil},
		{"[1, 2]", "Array(UInt8)", []any{uint64(1), uint64(2)}},
		{"[[1], [2, 3]]", "Array(Array(UInt8))", []any{[]any{uint64(1)}, []any{uint64(2), uint64(3)}}},
		{"[NULL, 'x']", "Array(Nullable(String))", []any{nil, "x"}},
		{"emptyArrayString()", "Array(String)", []any{}},
		{"tuple(1, 'a')", "Tuple(UInt8, String)", []any{uint64(1), "a"}},
		{"toDecimal64(1.25, 2)", "Decimal(18, 2)", 1.25},
		{"toDecimal32(-3.5, 3)", "Decimal(9, 3)", -3.5},
		{"toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0')", "UUID", "61f0c404-5cb3-11e7-907b-a6006ad3dba0"},
		{"CAST('b' AS Enum8('a' = 1, 'b' = 2))", "Enum8('a' = 1, 'b' = 2)", "b"},
		{"toNullable(3)", "Nullable(UInt8)", uint64(3)},
		{"CAST(NULL AS Nullable(String))", "Nullable(String)", nil},
		{"toNullable(toDate('2021-03-04'))", "Nullable(Date)", time.Date(2021, 3, 4, 0, 0, 0, 0, time.UTC)},
		{"[toDate('1999-12-31')]", "Array(Date)", []any{time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)}},
	}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = c.expr + " AS c" + string(rune('a'+i/26)) + string(rune('a'+i%26))
	}
	rows, err := e.Query(ctx, "SELECT "+strings.Join(exprs, ", "))
	if err != nil {
		t.Fatal(err)
	}
	types := rows.ColumnTypes()
	got := scanAll(t, rows)
	if len(got) != 1 {
		t.Fatalf("%d rows", len(got))
	}
	for i, c := range cols {
		if types[i] != c.typ {
			t.Errorf("%s: type %q, want %q", c.expr, types[i], c.typ)
		}
		if !reflect.DeepEqual(got[0][i], c.want) {
			t.Errorf("%s: %T %#v, want %T %#v", c.expr, got[0][i], got[0][i], c.want, c.want)
		}
	}
}

// checkOldServerTypedScan scans into typed destinations, which go through
// queries.ScanValue as on the embedded engine.
func checkOldServerTypedScan(ctx context.Context, t *testing.T, e *Engine) {
	rows, err := e.Query(ctx, "SELECT toUInt16(7), [1, 2], CAST(NULL AS Nullable(String)), toNullable('x'), toDate('2020-01-02')")
	if err != nil {
		t.Fatal(err)
	}
	var (
		n    int
		arr  []int32
		null *string
		str  *string
		day  time.Time
	)
	if !rows.Next() {
		t.Fatal("no row", rows.Err())
	}
	if err := rows.Scan(&n, &arr, &null, &str, &day); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if n != 7 || !reflect.DeepEqual(arr, []int32{1, 2}) || null != nil || str == nil || *str != "x" || !day.Equal(time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("typed scan: %v %v %v %v %v", n, arr, null, str, day)
	}
}

// checkOldServerStreaming reads a result of many blocks to the end, then
// closes another one early, which must leave the engine usable.
func checkOldServerStreaming(ctx context.Context, t *testing.T, e *Engine) {
	rows, err := e.Query(ctx, "SELECT number FROM system.numbers LIMIT 200000")
	if err != nil {
		t.Fatal(err)
	}
	var count, sum uint64
	for rows.Next() {
		var v uint64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		count, sum = count+1, sum+v
	}
	if err := rows.Err(); err != nil || count != 200000 || sum != 199999*200000/2 {
		t.Fatalf("streamed %d rows, sum %d, err %v", count, sum, err)
	}
	rows, err = e.Query(ctx, "SELECT number FROM system.numbers LIMIT 2000000")
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Fatal("Next after Close")
	}
}

// checkOldServerEmptyResults checks the two ways a query yields no rows: an
// empty result still has its columns, and a statement without a result set
// through Query is an empty result.
func checkOldServerEmptyResults(ctx context.Context, t *testing.T, e *Engine) {
	rows, err := e.Query(ctx, "SELECT toUInt8(1) AS x, 'y' AS y WHERE 0")
	if err != nil {
		t.Fatal(err)
	}
	if got := scanAll(t, rows); len(got) != 0 || !reflect.DeepEqual(rows.Columns(), []string{"x", "y"}) || !reflect.DeepEqual(rows.ColumnTypes(), []string{"UInt8", "String"}) {
		t.Fatalf("empty result: %v %v %v", got, rows.Columns(), rows.ColumnTypes())
	}

	rows, err = e.Query(ctx, "CREATE TABLE IF NOT EXISTS ddl_through_query (a UInt8) ENGINE = Memory")
	if err != nil {
		t.Fatal(err)
	}
	if len(scanAll(t, rows)) != 0 || len(rows.Columns()) != 0 {
		t.Fatal("DDL through Query returned rows")
	}
}

// checkOldServerErrors checks that server errors come back as
// *queries.Error with ClickHouse's code.
func checkOldServerErrors(ctx context.Context, t *testing.T, e *Engine) {
	_, err := e.Query(ctx, "SELECT * FROM no_such_table")
	var qe *queries.Error
	if !errors.As(err, &qe) || qe.ErrorCode() != 60 || !strings.Contains(qe.Message, "no_such_table") {
		t.Fatalf("missing table: %v", err)
	}
	if err := e.Exec(ctx, "SELEC 1"); !errors.As(err, &qe) || qe.ErrorCode() != 62 {
		t.Fatalf("syntax error: %v", err)
	}
}

// checkOldServerDeadlines checks both deadlines a query can run into: the
// caller's, and the engine's query timeout otherwise (on a second engine,
// which must still answer a Ping afterwards).
func checkOldServerDeadlines(ctx context.Context, t *testing.T, e *Engine, url string) {
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := e.Exec(short, "SELECT sleep(2)"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Exec past its deadline: %v", err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Fatalf("Exec returned %v after a 200 ms deadline", d)
	}
	timed := openOld(t, url, Options{Database: "imscope_decode", QueryTimeout: 200 * time.Millisecond})
	if err := timed.Exec(ctx, "SELECT sleep(2)"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Exec past the query timeout: %v", err)
	}
	if err := timed.Ping(ctx); err != nil {
		t.Fatalf("Ping after a timeout: %v", err)
	}
}

// checkOldServerClosed closes e and checks that it then refuses work with
// queries.ErrClosed.
func checkOldServerClosed(ctx context.Context, t *testing.T, e *Engine) {
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Exec(ctx, "SELECT 1"); !errors.Is(err, queries.ErrClosed) {
		t.Fatalf("Exec after Close: %v", err)
	}
	if _, err := e.Insert(ctx, "t", "a"); !errors.Is(err, queries.ErrClosed) {
		t.Fatalf("Insert after Close: %v", err)
	}
}

type networkID string // a named string type, as imscope's own

// oldServerEventColumns are the columns of the events table
// testOldServerBatch creates, one of each type a batch can encode.
var oldServerEventColumns = []string{"id", "i8", "i32", "u16", "f32", "net", "note", "tags", "nums", "kind", "day", "at", "price", "uid", "code", "pair"}

// oldServerNote is the Nullable(String) value of every other events row,
// with quotes, escapes and multi-byte characters to encode.
const oldServerNote = "it's a \"note\"\t\\ 😀中文"

// testOldServerBatch checks the write side of the engine against an old
// server: one batch of every column type, with refused rows in the middle,
// read back; then batches closed without Send, and Insert's own errors.
func testOldServerBatch(t *testing.T, url string) {
	e := openOld(t, url, Options{Database: "imscope_batch"})
	ctx := context.Background()
	if err := e.Exec(ctx, `CREATE TABLE events (
		id UInt64, i8 Int8, i32 Int32, u16 UInt16, f32 Float32, net String, note Nullable(String),
		tags Array(String), nums Array(Nullable(Int32)), kind Enum8('call' = 1, 'chat' = 2),
		day Date, at DateTime, price Decimal(9, 2), uid UUID, code FixedString(3), pair Tuple(UInt8, String)
	) ENGINE = MergeTree ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	const n = 3000
	checkOldServerBatchSend(ctx, t, e, n)
	checkOldServerBatchStored(ctx, t, e, n)
	checkOldServerBatchWithoutSend(ctx, t, e, n)
	checkOldServerInsertErrors(ctx, t, e)
}

// checkOldServerBatchSend appends n event rows in one batch (with refused
// rows after row 10) and sends it; a sent batch refuses more work.
func checkOldServerBatchSend(ctx context.Context, t *testing.T, e *Engine, n int) {
	cols := oldServerEventColumns
	b, err := e.Insert(ctx, "events", cols...)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	tokyo := time.FixedZone("JST", 9*3600)
	note := oldServerNote
	uid := [16]byte{0x61, 0xf0, 0xc4, 0x04, 0x5c, 0xb3, 0x11, 0xe7, 0x90, 0x7b, 0xa6, 0x00, 0x6a, 0xd3, 0xdb, 0xa0}
	for i := 0; i < n; i++ {
		var notePtr *string
		if i%2 == 0 {
			notePtr = &note
		}
		kind := any("call")
		if i%3 == 0 {
			kind = 2 // an Enum's code works as well as its name
		}
		// Values as the embedded engine's encoder takes them: plain ints
		// for every width, a named string type, a nil pointer for NULL,
		// times in any zone, a float for a Decimal, a UUID's bytes.
		err := b.Append(i, -1, i-1000, 65535, 0.5, networkID("net-1"), notePtr,
			[]string{"a", "b"}, []any{nil, i}, kind,
			time.Date(2024, 5, 7, 1, 0, 0, 0, tokyo), // 2024-05-06 in UTC
			time.Date(2024, 5, 7, 1, 0, 0, 0, tokyo), 12.345, uid, "ab", []any{7, "x"})
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if i == 10 {
			checkOldServerRefusedRows(t, b, i)
		}
	}
	if b.Len() != n {
		t.Fatalf("Len %d, want %d", b.Len(), n)
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Append(cols); err == nil {
		t.Fatal("Append after Send")
	}
	if err := b.Send(); err == nil {
		t.Fatal("second Send")
	}
}

// checkOldServerRefusedRows appends rows that do not fit the events table
// to b, after row i: each is refused whole, naming the row and column, and
// the batch goes on.
func checkOldServerRefusedRows(t *testing.T, b queries.Batch, i int) {
	cols := oldServerEventColumns
	bad := []struct {
		col  int
		val  any
		want string
	}{
		{1, 200, "batch for events, row 12, column i8: 200 is out of range for Int8"},
		{6, 7, "column note: cannot store int in String"},
		{9, "sms", `column kind: "sms" is not a value of Enum8('call' = 1, 'chat' = 2)`},
		{10, nil, "column day: NULL given for Date, which is not Nullable"},
		{13, "not-a-uuid", `column uid: "not-a-uuid" is not a UUID`},
		{14, "abcd", "column code: 4 bytes do not fit FixedString(3)"},
	}
	for _, c := range bad {
		row := []any{i, -1, 0, 0, 0.5, "n", nil, []string{}, []any{}, "call", time.Now(), time.Now(), 1.0, "61f0c404-5cb3-11e7-907b-a6006ad3dba0", "ab", []any{1, "y"}}
		row[c.col] = c.val
		err := b.Append(row...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Append with %s = %#v: %v, want %q", cols[c.col], c.val, err, c.want)
		}
	}
	if err := b.Append(1, 2); err == nil {
		t.Error("Append with too few values")
	}
}

// checkOldServerBatchStored reads back what checkOldServerBatchSend wrote:
// the aggregates over all n rows, and every column of the first row.
func checkOldServerBatchStored(ctx context.Context, t *testing.T, e *Engine, n int) {
	rows, err := e.Query(ctx, "SELECT count(), sum(id), countIf(note IS NULL) FROM events")
	if err != nil {
		t.Fatal(err)
	}
	got := scanAll(t, rows)
	if want := []any{uint64(n), uint64(n * (n - 1) / 2), uint64(n / 2)}; !reflect.DeepEqual(got[0], want) {
		t.Fatalf("count, sum, nulls = %v, want %v", got[0], want)
	}
	rows, err = e.Query(ctx, "SELECT * FROM events ORDER BY id LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	got = scanAll(t, rows)
	want := []any{uint64(0), int64(-1), int64(-1000), uint64(65535), 0.5, "net-1", oldServerNote,
		[]any{"a", "b"}, []any{nil, int64(0)}, "chat",
		time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), time.Date(2024, 5, 6, 16, 0, 0, 0, time.UTC),
		12.35, "61f0c404-5cb3-11e7-907b-a6006ad3dba0", "ab\x00", []any{uint64(7), "x"}}
	if !reflect.DeepEqual(got[0], want) {
		t.Fatalf("row 0:\n got %#v\nwant %#v", got[0], want)
	}
}

// checkOldServerBatchWithoutSend checks that a batch closed without Send
// writes nothing and that an empty Send is fine: events still holds n rows.
func checkOldServerBatchWithoutSend(ctx context.Context, t *testing.T, e *Engine, n int) {
	b, err := e.Insert(ctx, "events", "id")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Append(99999); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b, err = e.Insert(ctx, "events", "id")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
	rows, err := e.Query(ctx, "SELECT count() FROM events")
	if err != nil {
		t.Fatal(err)
	}
	if got := scanAll(t, rows); got[0][0] != uint64(n) {
		t.Fatalf("count after Close without Send: %v", got[0][0])
	}
}

// checkOldServerInsertErrors checks that Insert refuses a missing table or
// column up front.
func checkOldServerInsertErrors(ctx context.Context, t *testing.T, e *Engine) {
	if _, err := e.Insert(ctx, "no_such_table", "id"); err == nil || !strings.Contains(err.Error(), "no_such_table") {
		t.Fatalf("Insert into a missing table: %v", err)
	}
	if _, err := e.Insert(ctx, "events", "id", "no_such_column"); err == nil {
		t.Fatal("Insert with a missing column")
	}
}
