package csvimport

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/queries/enginetest"
)

// An import's network labels go through the catalog's aliases as they are
// stored by the real writer: "QQ" (exact) and "xmpp.qq.example" (a glob)
// land as qq, a catalog id as itself, and "icq", which nothing claims,
// as given — and only icq is warned about, once per import.
func TestImportAliases(t *testing.T) {
	ctx := context.Background()
	e := enginetest.Migrated(t, benchDataDir, "csvimport_aliases")
	catalog := []imscope.Network{
		{ID: "qq", Names: map[string]string{"en": "Tencent QQ"}, Aliases: []string{"QQ", "*.qq.example"}},
		{ID: "fetion", Names: map[string]string{"en": "Fetion"}},
	}
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{Networks: catalog}), nil, nil)
	tests := []struct {
		file  string
		kind  Kind
		query string
		want  []string
	}{
		{"usage-aliases.csv", KindUsage, "SELECT concat(network, ' ', metric) FROM usage_samples ORDER BY network, metric",
			[]string{"fetion active_users_30d", "icq active_users_30d", "qq connections", "qq registered_users"}},
		{"reports-aliases.csv", KindReports, "SELECT network FROM market_reports FINAL ORDER BY network",
			[]string{"fetion", "icq", "qq"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			src, err := New("import", Config{Path: "testdata/" + tc.file, Kind: tc.kind}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			run := r.Run(ctx, collector.Collector{Name: "import", Kind: "csv", Target: tc.file, Source: src})
			if run.Status != "ok" {
				t.Fatalf("import %s: %s %q", run.Status, run.Error, run.Warnings)
			}
			if got := enginetest.Column(t, e, tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("stored %q, want %q", got, tc.want)
			}
			if len(run.Warnings) != 1 || !strings.Contains(run.Warnings[0], `network "icq" is not in the catalog`) {
				t.Errorf("warnings %q, want one, about icq", run.Warnings)
			}
		})
	}
}
