package ejabberd

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
	if len(got) != 2 || got[0].network("im.qq.example") != "qq" || got[0].network("other.example") != "other.example" ||
		got[1].BasicAuth.Username != "imscope@xmpp.example.org" || got[1].Timeout != 5*time.Second || len(got[1].Hosts) != 2 || got[1].Source != "ejabberd-cn" {
		t.Fatalf("%+v", got)
	}
}
