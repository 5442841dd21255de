package enginetest

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/imscope/imscope/queries"
)

// hostile are label texts a scrape may carry; each must come back byte for byte.
var hostile = []string{
	"",
	"O'Hara",
	`double "quoted"`,
	`back\slash \\ and \N and \0 and \'`,
	"'; DROP TABLE usage_samples; --",
	"`backtick` {braces:String} $1 ?",
	"nul\x00byte",
	"tab\tnewline\ncarriage\rreturn",
	"emoji 😀🇨🇳 and ZWJ 👩‍💻",
	"腾讯QQ 阿里旺旺 飞信",
	"</script><script>alert(1)</script>",
	`"><img src=x onerror=alert(1)>`,
	"invalid utf-8 \xff\xfe",
	strings.Repeat("1 MB of text, ", (1<<20)/14+1),
}

func testHostileValues(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	t.Run("Parameters", func(t *testing.T) {
		for i, v := range hostile {
			var got string
			scanOne(t, e, "SELECT {v:String}", []queries.Param{queries.Named("v", v)}, &got)
			if got != v {
				t.Errorf("value %d (%.40q): got %.40q (len %d, want %d)", i, v, got, len(got), len(v))
			}
			var n uint64
			scanOne(t, e, "SELECT count() FROM (SELECT arrayJoin({a:Array(String)}) AS s) WHERE s = {v:String}",
				[]queries.Param{queries.Named("a", []string{v, "x", v}), queries.Named("v", v)}, &n)
			if n != 2 {
				t.Errorf("value %d (%.40q) in an array parameter: matched %d times, want 2", i, v, n)
			}
		}
		var m map[string]string
		want := map[string]string{hostile[1]: hostile[4], hostile[9]: hostile[6]}
		scanOne(t, e, "SELECT {m:Map(String, String)}", []queries.Param{queries.Named("m", want)}, &m)
		if !reflect.DeepEqual(m, want) {
			t.Errorf("map parameter: got %q, want %q", m, want)
		}
	})
	t.Run("Inserts", func(t *testing.T) {
		// LowCardinality nested every way the embedded engine's loads
		// declare as the type it wraps (rowbinary.Type.FileName).
		mustExec(t, e, "CREATE TABLE hostile (id UInt32, s String, lc LowCardinality(String), a Array(String), m Map(String, String), n Nullable(String), "+
			"lcn LowCardinality(Nullable(String)), la Array(LowCardinality(String)), lm Map(LowCardinality(String), LowCardinality(String))) ENGINE = MergeTree ORDER BY id")
		b, err := e.Insert(ctx, "hostile", "id", "s", "lc", "a", "m", "n", "lcn", "la", "lm")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		for i, v := range hostile {
			v := v
			if err := b.Append(i, v, v, []string{v, v}, map[string]string{v: v}, &v, &v, []string{v, "x", v}, map[string]string{v: v, "k": "x"}); err != nil {
				t.Fatalf("append %d: %v", i, err)
			}
		}
		if err := b.Send(); err != nil {
			t.Fatal(err)
		}
		for i, v := range hostile {
			var s, lc string
			var a []string
			var m map[string]string
			var n *string
			scanOne(t, e, "SELECT s, lc, a, m, n FROM hostile WHERE id = {id:UInt32}", []queries.Param{queries.Named("id", i)}, &s, &lc, &a, &m, &n)
			if s != v || lc != v || !reflect.DeepEqual(a, []string{v, v}) || m[v] != v || len(m) != 1 || n == nil || *n != v {
				t.Errorf("value %d (%.40q) did not round-trip through an insert", i, v)
			}
			var lcn *string
			var la []string
			var lm map[string]string
			scanOne(t, e, "SELECT lcn, la, lm FROM hostile WHERE id = {id:UInt32}", []queries.Param{queries.Named("id", i)}, &lcn, &la, &lm)
			wantMap := map[string]string{v: v, "k": "x"}
			if v == "k" {
				wantMap = map[string]string{"k": "x"}
			}
			if lcn == nil || *lcn != v || !reflect.DeepEqual(la, []string{v, "x", v}) || !reflect.DeepEqual(lm, wantMap) {
				t.Errorf("value %d (%.40q) did not round-trip through nested LowCardinality columns: %.40q, %.40q, %.40q", i, v, derefOr(lcn), la, lm)
			}
			// And it is findable by parameter: the stored bytes equal the bound bytes.
			var found uint64
			scanOne(t, e, "SELECT count() FROM hostile WHERE s = {v:String}", []queries.Param{queries.Named("v", v)}, &found)
			if found != 1 {
				t.Errorf("value %d (%.40q): WHERE s = param matched %d rows", i, v, found)
			}
		}
		var tables uint64
		scanOne(t, e, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'hostile'", nil, &tables)
		if tables != 1 {
			t.Fatal("the hostile table is gone")
		}
	})
}

func derefOr(p *string) string {
	if p == nil {
		return "NULL"
	}
	return *p
}
