package openmetrics

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPresetsValidate checks that every shipped preset decodes and validates
// the way its README snippet uses it.
func TestPresetsValidate(t *testing.T) {
	want := []string{"matrix-appservice-bridge", "prosody", "synapse"}
	if got := Presets(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("Presets() = %v, want %v", got, want)
	}
	for _, name := range want {
		t.Run(name, func(t *testing.T) {
			p, err := Preset(name)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Rules) == 0 {
				t.Fatal("preset has no rules")
			}
			// The preset file itself is a valid config...
			if err := p.Validate(); err != nil {
				t.Fatalf("the preset file is not a valid config: %v", err)
			}
			// ...and so is a config that names it.
			cfg := Config{URL: "http://127.0.0.1:1/metrics", Preset: name, Network: p.Network, Bridge: p.Bridge}
			if err := cfg.Validate(); err != nil {
				t.Fatalf("a config using the preset does not validate: %v", err)
			}
			text, err := PresetYAML(name)
			if err != nil || !strings.Contains(string(text), "preset: "+name) {
				t.Errorf("PresetYAML(%q) does not show how to use it (err %v)", name, err)
			}
		})
	}
	if _, err := Preset("ejabberd"); err == nil || !strings.Contains(err.Error(), "prosody") {
		t.Errorf("Preset(ejabberd) = %v, want an error listing the shipped presets", err)
	}
}

// scrapeStep is one scrape of a preset test: the exposition served and when.
type scrapeStep struct {
	file, contentType string
	at                time.Time
}

// TestPresetGolden runs each preset over captured (Prosody) or reconstructed
// (Synapse, bridge) expositions, scraping each in turn, and compares every
// batch with a golden file.
func TestPresetGolden(t *testing.T) {
	const text = "text/plain; version=0.0.4; charset=utf-8"
	prosodyCT := strings.TrimSpace(readFile(t, "prosody-0.12.content-type"))
	// The Prosody capture's created timestamps are 2026-11-24T05:26:34Z.
	captured := time.Date(2026, 11, 24, 5, 26, 52, 0, time.UTC)
	synapseT := time.Date(2025, 11, 24, 3, 50, 0, 0, time.UTC)
	tests := []struct {
		name  string
		cfg   Config
		steps []scrapeStep
	}{
		{
			// First an empty exposition before Prosody started, then the
			// capture: every counter was created since, so all of it counts.
			name: "prosody",
			cfg:  Config{Preset: "prosody"},
			steps: []scrapeStep{
				{"", prosodyCT, captured.Add(-10 * time.Minute)},
				{"prosody-0.12.exposition", prosodyCT, captured},
				{"prosody-0.12.exposition", prosodyCT, captured.Add(time.Minute)},
			},
		},
		{
			name: "synapse",
			cfg:  Config{Preset: "synapse", Network: "matrix"},
			steps: []scrapeStep{
				{"synapse-1.exposition", text, synapseT},
				{"synapse-2.exposition", text, synapseT.Add(5 * time.Minute)},
			},
		},
		{
			name: "matrix-appservice-bridge",
			cfg:  Config{Preset: "matrix-appservice-bridge", Network: "irc", Bridge: "matrix-appservice-irc"},
			steps: []scrapeStep{
				{"matrix-appservice-irc-1.exposition", "text/plain; charset=utf-8", t0},
				{"matrix-appservice-irc-2.exposition", "text/plain; charset=utf-8", t0.Add(time.Minute)},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg := newTarget(t)
			c := &clock{}
			tc.cfg.URL = tg.url()
			s := newSource(t, tc.cfg, c)
			var batches []goldenBatch
			for _, st := range tc.steps {
				body := "# EOF\n"
				if st.file != "" {
					body = readFile(t, st.file)
				}
				tg.serve(st.contentType, body)
				c.t = st.at
				b := collect(t, s)
				for i := range b.Problems {
					b.Problems[i].Where = strings.Replace(b.Problems[i].Where, tg.srv.URL, "http://target", 1)
				}
				batches = append(batches, goldenOf(b))
			}
			checkGolden(t, tc.name+".golden.json", batches)
		})
	}
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
