package ejabberd

import (
	"testing"
	"time"

	"github.com/imscope/imscope/collector/internal/configtest"
)

// The documented YAML keys decode into Config and validate.
func TestConfigYAML(t *testing.T) {
	got := configtest.Examples[Config](t, "testdata/example.yaml")
	if len(got) != 2 || got[0].network("im.qq.example") != "qq" || got[0].network("other.example") != "other.example" ||
		got[1].BasicAuth.Username != "imscope@xmpp.example.org" || got[1].Timeout != 5*time.Second || len(got[1].Hosts) != 2 || got[1].Source != "ejabberd-cn" {
		t.Fatalf("%+v", got)
	}
}
