package server

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/imscope/imscope/queries"
)

// TestServerSmoke runs against the server in IMSCOPE_TEST_CLICKHOUSE, in a
// database of its own that it drops at the end. The shared conformance
// suite (queries/enginetest) covers the engine in depth; this checks the
// paths an old server cannot: query parameters and batches without a
// column list.
func TestServerSmoke(t *testing.T) {
	url := os.Getenv("IMSCOPE_TEST_CLICKHOUSE")
	if url == "" {
		t.Skip("IMSCOPE_TEST_CLICKHOUSE is not set; to run against a ClickHouse server (23.8 or newer): IMSCOPE_TEST_CLICKHOUSE=clickhouse://default:@127.0.0.1:9000 go test ./queries/server/")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db := "imscope_servertest_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	e, err := Open(ctx, Options{URL: url, Database: db})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Exec(context.Background(), "DROP DATABASE IF EXISTS "+queries.QuoteIdentifier(db)); err != nil {
			t.Errorf("cannot drop %s: %v", db, err)
		}
		e.Close()
	})
	t.Logf("ClickHouse %s, database %s", e.ServerVersion(), e.Database())
	if err := e.Ping(ctx); err != nil {
		t.Fatal(err)
	}

	// Parameters: every value comes back exactly as it went.
	tricky := "it's \"q\" \\ \\n\t\n\r\x00 😀中文 {x:String} '; --"
	at := time.Date(2024, 5, 6, 7, 8, 9, 123000000, time.UTC)
	rows, err := e.Query(ctx, "SELECT {s:String} AS s, {n:Nullable(String)} AS n, {a:Array(String)} AS a, {m:Map(String, String)} AS m, {i:Int64} AS i, {u:UInt64} AS u, {f:Float64} AS f, {b:Bool} AS b, {t:DateTime64(3, 'UTC')} AS t",
		queries.Named("s", tricky), queries.Named("n", nil), queries.Named("a", []string{tricky, ""}),
		queries.Named("m", map[string]string{tricky: tricky}), queries.Named("i", int64(-1)<<62),
		queries.Named("u", uint64(1)<<63), queries.Named("f", 0.1), queries.Named("b", true), queries.Named("t", at))
	if err != nil {
		t.Fatal(err)
	}
	got := scanAll(t, rows)
	want := []any{tricky, nil, []any{tricky, ""}, map[any]any{tricky: tricky}, int64(-1) << 62, uint64(1) << 63, 0.1, true, at}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("parameters came back as\n%#v\nwant\n%#v", got, want)
	}

	// A batch without a column list fills the insertable columns.
	if err := e.Exec(ctx, `CREATE TABLE events (
		id UInt64, s String, n Nullable(String), tags Array(LowCardinality(String)),
		attrs Map(LowCardinality(String), UInt64), at DateTime64(3, 'UTC'), ok Bool,
		kind Enum8('a' = 1, 'b' = 2), twice UInt64 MATERIALIZED id * 2
	) ENGINE = MergeTree ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	b, err := e.Insert(ctx, "events")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const n = 20000
	for i := 0; i < n; i++ {
		var note *string
		if i%2 == 1 {
			note = &tricky
		}
		if err := b.Append(i, tricky, note, []string{"x", tricky}, map[string]int{"k": i}, at, i%3 == 0, "b"); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
	rows, err = e.Query(ctx, "SELECT count(), sum(id), sum(twice), countIf(n IS NULL), sum(attrs['k']), countIf(ok) FROM events WHERE s = {s:String}", queries.Named("s", tricky))
	if err != nil {
		t.Fatal(err)
	}
	got = scanAll(t, rows)
	sum := uint64(n * (n - 1) / 2)
	if want := []any{uint64(n), sum, 2 * sum, uint64(n / 2), sum, uint64((n + 2) / 3)}; !reflect.DeepEqual(got[0], want) {
		t.Fatalf("counted %v, want %v", got[0], want)
	}
	rows, err = e.Query(ctx, "SELECT * FROM events WHERE id = {id:UInt64}", queries.Named("id", 1))
	if err != nil {
		t.Fatal(err)
	}
	got = scanAll(t, rows)
	want = []any{uint64(1), tricky, tricky, []any{"x", tricky}, map[any]any{"k": uint64(1)}, at, false, "b"}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("row 1 is\n%#v\nwant\n%#v", got, want)
	}

	// Server errors carry ClickHouse's code.
	var qe *queries.Error
	if err := e.Exec(ctx, "SELECT * FROM no_such_table"); !errors.As(err, &qe) || qe.ErrorCode() != 60 {
		t.Fatalf("missing table: %v", err)
	}
	if _, err := e.Insert(ctx, "no_such_table"); err == nil {
		t.Fatal("Insert into a missing table")
	}
}
