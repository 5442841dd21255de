package jsonapi

import (
	"errors"
	"io"
	"os"
	"testing"
	"time"

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
	if len(got) != 2 || got[0].Timeout != 15*time.Second || got[0].MaxBodyBytes != 1<<20 || got[0].Headers["X-Tenant"] != "imscope" ||
		got[1].Bridge != "@key" || got[1].Records != "[*]" || !got[1].Cumulative || got[1].HeadersEnv["X-Api-Key"] != "BRIDGE_KEY" {
		t.Fatalf("%+v", got)
	}
}
