package csvimport

import (
	"errors"
	"io"
	"os"
	"testing"

	"gopkg.in/yaml.v3"
)

// The documented YAML keys decode into Config and validate.
func TestConfigYAML(t *testing.T) {
	f, err := os.Open("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var got []Config
	for {
		var c Config
		if err := dec.Decode(&c); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		got = append(got, c)
	}
	want := []Config{
		{URL: "https://panel.example.org/exports/2010-07.csv.gz", Kind: KindPanel, Encoding: "gbk", Strict: true, PanelKeyEnv: "VENDOR_PANEL_KEY", ChunkRows: 100000},
		{Path: "data/im-share-q3.csv", Kind: KindReports, Source: "analysys"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}
