package csvimport

import (
	"testing"

	"github.com/imscope/imscope/collector/internal/configtest"
)

// The documented YAML keys decode into Config and validate.
func TestConfigYAML(t *testing.T) {
	got := configtest.Examples[Config](t, "testdata/example.yaml")
	want := []Config{
		{URL: "https://panel.example.org/exports/2010-07.csv.gz", Kind: KindPanel, Encoding: "gbk", Strict: true, PanelKeyEnv: "VENDOR_PANEL_KEY", ChunkRows: 100000},
		{Path: "data/im-share-q3.csv", Kind: KindReports, Source: "analysys"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}
