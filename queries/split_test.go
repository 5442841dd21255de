package queries

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    []string
		wantErr string
	}{
		{"one", "SELECT 1", []string{"SELECT 1"}, ""},
		{"two with trailing", "SELECT 1;\nSELECT 2;\n", []string{"SELECT 1", "SELECT 2"}, ""},
		{"semicolon in string", "SELECT 'a;b'; SELECT 2", []string{"SELECT 'a;b'", "SELECT 2"}, ""},
		{"escaped quote", `SELECT 'it\'s;'; SELECT 2`, []string{`SELECT 'it\'s;'`, "SELECT 2"}, ""},
		{"doubled quote", "SELECT 'it''s;'", []string{"SELECT 'it''s;'"}, ""},
		{"line comment", "-- one; two\nSELECT 1; -- three; four\n", []string{"-- one; two\nSELECT 1"}, ""},
		{"block comment", "/* a; b */ SELECT 1", []string{"/* a; b */ SELECT 1"}, ""},
		{"backticks", "SELECT 1 AS `a;b`", []string{"SELECT 1 AS `a;b`"}, ""},
		{"only comments", "-- nothing here;\n", nil, ""},
		{"unterminated", "SELECT 'oops", nil, "unterminated ' quote at line 1"},
		{"unterminated comment", "SELECT 1;\n/* oops", nil, "unterminated comment at line 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SplitStatements(tc.in)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("got %v, want error %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestSchemaSplits: every shipped migration splits into statements that are
// safe to run twice, so a migration interrupted half-way can run again. An
// INSERT (a backfill) is safe when the same migration first drops the table
// it fills: running the file again starts that table over. Each layout's
// rendering is checked.
func TestSchemaSplits(t *testing.T) {
	ms, err := LoadMigrations(Schema())
	if err != nil {
		t.Fatal(err)
	}
	insertInto := regexp.MustCompile(`^INSERT INTO (\w+)`)
	dropTable := regexp.MustCompile(`^DROP TABLE IF EXISTS (\w+)`)
	for mode, l := range layouts {
		for _, m := range ms {
			checkRerunnable(t, mode, m, l, insertInto, dropTable)
		}
	}
}

func checkRerunnable(t *testing.T, mode string, m Migration, l Layout, insertInto, dropTable *regexp.Regexp) {
	stmts, err := m.Statements(l)
	if err != nil {
		t.Fatalf("%s: %v", m.Name, err)
	}
	dropped := map[string]bool{}
	for i, s := range stmts {
		s = strings.TrimSpace(stripComments(s))
		if d := dropTable.FindStringSubmatch(s); d != nil {
			dropped[d[1]] = true
		}
		rerunnable := strings.Contains(s, "IF NOT EXISTS") || strings.Contains(s, "IF EXISTS") || strings.Contains(s, "MODIFY SETTING") || strings.Contains(s, "MATERIALIZE PROJECTION")
		if ins := insertInto.FindStringSubmatch(s); ins != nil && dropped[ins[1]] {
			rerunnable = true
		}
		if !rerunnable {
			t.Errorf("%s (%s) statement %d is not safe to run twice (IF NOT EXISTS, IF EXISTS, MODIFY SETTING, MATERIALIZE PROJECTION, or an INSERT into a table the migration dropped first): %.60q", m.Name, mode, i+1, s)
		}
	}
}

// FuzzSplitStatements: splitting never panics, and no statement loses text:
// the pieces appear in the input in order.
func FuzzSplitStatements(f *testing.F) {
	f.Add("SELECT 1; SELECT 'a;b' -- c;\n/* d; */ SELECT `e;f`")
	f.Add("'\\'';\"\";``")
	f.Fuzz(func(t *testing.T, s string) {
		stmts, err := SplitStatements(s)
		if err != nil {
			return
		}
		rest := s
		for _, st := range stmts {
			i := strings.Index(rest, st)
			if i < 0 {
				t.Fatalf("statement %q is not in the input", st)
			}
			rest = rest[i+len(st):]
		}
	})
}
