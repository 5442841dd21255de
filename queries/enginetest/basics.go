package enginetest

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

func testDDL(t *testing.T, e queries.Engine) {
	mustExec(t, e, "CREATE TABLE IF NOT EXISTS ddl_probe (id UInt32, name String) ENGINE = MergeTree ORDER BY id")
	mustExec(t, e, "CREATE TABLE IF NOT EXISTS ddl_probe (id UInt32, name String) ENGINE = MergeTree ORDER BY id")
	mustExec(t, e, "ALTER TABLE ddl_probe ADD COLUMN IF NOT EXISTS extra Float64 DEFAULT 1.5")
	mustExec(t, e, "INSERT INTO ddl_probe (id, name) VALUES ({id:UInt32}, {name:String})", queries.Named("id", 7), queries.Named("name", "seven"))
	var id uint32
	var name string
	var extra float64
	scanOne(t, e, "SELECT id, name, extra FROM ddl_probe", nil, &id, &name, &extra)
	if id != 7 || name != "seven" || extra != 1.5 {
		t.Fatalf("got (%d, %q, %v), want (7, seven, 1.5)", id, name, extra)
	}
	mustExec(t, e, "DROP TABLE ddl_probe")
	if err := e.Exec(context.Background(), "SELECT * FROM ddl_probe"); err == nil {
		t.Fatal("the dropped table still answers")
	}
}

// testTypedReads binds a parameter of every column type the schema uses and
// scans it back into typed Go values.
func testTypedReads(t *testing.T, e queries.Engine) {
	ts := time.Date(2010, 9, 30, 23, 59, 58, 123_000_000, time.UTC)
	note := "published as no more than 1%"
	cases := []struct {
		name  string
		typ   string
		value any
		dest  any // pointer to a zero value of the Go type to scan into
		want  any
	}{
		{"UInt64", "UInt64", uint64(1<<63 + 5), new(uint64), uint64(1<<63 + 5)},
		{"UInt32", "UInt32", uint32(4_000_000_000), new(uint32), uint32(4_000_000_000)},
		{"UInt16", "UInt16", 65535, new(uint16), uint16(65535)},
		{"Int64", "Int64", int64(-9_000_000_000), new(int64), int64(-9_000_000_000)},
		{"Float64", "Float64", 76.37, new(float64), 76.37},
		{"Float64 extremes", "Array(Float64)", []float64{1e-300, -1.7976931348623157e308, 0.1 + 0.2}, new([]float64), []float64{1e-300, -1.7976931348623157e308, 0.1 + 0.2}},
		{"Bool", "Bool", true, new(bool), true},
		{"String", "String", "腾讯QQ", new(string), "腾讯QQ"},
		{"LowCardinality", "LowCardinality(String)", "wangwang", new(string), "wangwang"},
		{"Date", "Date", time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC), new(time.Time), time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"DateTime64", "DateTime64(3, 'UTC')", ts, new(time.Time), ts},
		{"Nullable set", "Nullable(String)", note, new(*string), &note},
		{"Nullable NULL", "Nullable(String)", nil, new(*string), (*string)(nil)},
		{"Enum8", "Enum8('eq' = 0, 'lt' = 1, 'gt' = 2)", "lt", new(string), "lt"},
		{"UUID", "UUID", "0b2bd07c-49b2-4c8e-9f0a-6e3f1c2d4a5b", new(string), "0b2bd07c-49b2-4c8e-9f0a-6e3f1c2d4a5b"},
		{"Array(String)", "Array(String)", []string{"qq", "msn", ""}, new([]string), []string{"qq", "msn", ""}},
		{"Array(Float64)", "Array(Float64)", []float64{0.5, 1, 2.5}, new([]float64), []float64{0.5, 1, 2.5}},
		{"Map(String, String)", "Map(String, String)", map[string]string{"host": "example.org", "type": "c2s"}, new(map[string]string), map[string]string{"host": "example.org", "type": "c2s"}},
		{"Map(UInt64, UInt64)", "Map(UInt64, UInt64)", map[uint64]uint64{5000: 3, 250000: 9, imscope.LatencyInf: 1}, new(map[uint64]uint64), map[uint64]uint64{5000: 3, 250000: 9, imscope.LatencyInf: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			scanOne(t, e, "SELECT {v:"+tc.typ+"} AS v", []queries.Param{queries.Named("v", tc.value)}, tc.dest)
			got := reflect.ValueOf(tc.dest).Elem().Interface()
			if gt, ok := got.(time.Time); ok {
				if !gt.Equal(tc.want.(time.Time)) {
					t.Fatalf("got %v, want %v", gt, tc.want)
				}
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
	t.Run("ColumnTypes", func(t *testing.T) {
		rows, err := e.Query(context.Background(), "SELECT toLowCardinality('a') AS lc, map('k', 1) AS m")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		if got := rows.Columns(); !reflect.DeepEqual(got, []string{"lc", "m"}) {
			t.Fatalf("columns %v", got)
		}
		if got := rows.ColumnTypes(); got[0] != "LowCardinality(String)" || got[1] != "Map(String, UInt8)" {
			t.Fatalf("column types %v", got)
		}
	})
	t.Run("ScanOverflow", func(t *testing.T) {
		var small uint8
		rows, err := e.Query(context.Background(), "SELECT toUInt64(300)")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		rows.Next()
		if err := rows.Scan(&small); err == nil {
			t.Fatalf("300 scanned into a uint8 as %d without error", small)
		}
	})
}

func testQueryError(t *testing.T, e queries.Engine) {
	err := e.Exec(context.Background(), "SELECT * FROM table_that_does_not_exist")
	var qe *queries.Error
	if !errors.As(err, &qe) {
		t.Fatalf("got %v (%T), want a *queries.Error", err, err)
	}
	if qe.ErrorCode() != 60 { // UNKNOWN_TABLE
		t.Fatalf("code %d, want 60 (UNKNOWN_TABLE) in %q", qe.ErrorCode(), qe.Message)
	}
	if _, err := e.Query(context.Background(), "SELEKT 1"); err == nil {
		t.Fatal("a syntax error came back as success")
	}
	if _, err := e.Query(context.Background(), "SELECT {x:UInt8}", queries.Named("x", "eight")); err == nil {
		t.Fatal("an unparsable parameter came back as success")
	}
	// The engine still works after errors.
	var one uint8
	scanOne(t, e, "SELECT 1", nil, &one)
	// A statement that fails while running, after its first rows, leaves
	// nothing behind in the next result (libchdb 26.5 did).
	for range 2 {
		if _, err := e.Query(context.Background(), "SELECT throwIf(number > 100000, 'late failure') AS x FROM numbers(1000000)"); err == nil {
			t.Fatal("a failing throwIf came back as success")
		}
		var db string
		scanOne(t, e, "SELECT currentDatabase()", nil, &db)
	}
}

// testConcurrent runs queries from 16 goroutines; each must get its own answer.
func testConcurrent(t *testing.T, e queries.Engine) {
	var wg sync.WaitGroup
	errs := make(chan error, 16*20)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				want := uint64(g*1000 + i)
				rows, err := e.Query(context.Background(), "SELECT {n:UInt64} * 2 AS doubled, sum(number) FROM numbers(1000)", queries.Named("n", want))
				if err != nil {
					errs <- err
					return
				}
				var got, sum uint64
				rows.Next()
				if err := rows.Scan(&got, &sum); err != nil {
					errs <- err
				} else if got != want*2 || sum != 499500 {
					errs <- errors.New("a goroutine got another's answer")
				}
				rows.Close()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// testContextCancel: a cancelled context stops a query from starting, a
// deadline ends the caller's wait, and the engine stays usable.
func testContextCancel(t *testing.T, e queries.Engine) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Query(ctx, "SELECT 1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: got %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := e.Query(ctx, "SELECT sleepEachRow(1) FROM numbers(3) SETTINGS function_sleep_max_microseconds_per_block = 5000000")
	if !errors.Is(err, context.DeadlineExceeded) {
		var qe *queries.Error
		// A server may end the query itself when the deadline passes.
		if !errors.As(err, &qe) {
			t.Fatalf("deadline: got %v, want context.DeadlineExceeded", err)
		}
	}
	var one uint8
	scanOne(t, e, "SELECT 1", nil, &one)
	if one != 1 {
		t.Fatalf("engine unusable after a cancelled query: got %d", one)
	}
}
