package openmetrics

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// presetFS holds the shipped presets: plain collector configs, so a user can
// copy one and edit it instead of learning the rule syntax from scratch.
//
//go:embed presets/*.yaml
var presetFS embed.FS

// Presets returns the names of the shipped presets, sorted.
func Presets() []string {
	entries, err := presetFS.ReadDir("presets")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	slices.Sort(names)
	return names
}

// Preset returns the shipped preset called name, decoded as a Config; a
// Config naming it as its preset uses its Rules.
func Preset(name string) (Config, error) {
	if !slices.Contains(Presets(), name) {
		return Config{}, fmt.Errorf("%q is not a shipped preset (%s)", name, strings.Join(Presets(), ", "))
	}
	data, err := presetFS.ReadFile(path.Join("presets", name+".yaml"))
	if err != nil {
		return Config{}, err
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("preset %s: %w", name, err)
	}
	return c, nil
}

// PresetYAML returns the text of the shipped preset called name, comments
// included, for users who want to start from a copy.
func PresetYAML(name string) ([]byte, error) {
	if !slices.Contains(Presets(), name) {
		return nil, fmt.Errorf("%q is not a shipped preset (%s)", name, strings.Join(Presets(), ", "))
	}
	return presetFS.ReadFile(path.Join("presets", name+".yaml"))
}
