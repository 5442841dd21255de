package jsonapi

import (
	"testing"
	"time"

	"github.com/imscope/imscope/collector/internal/configtest"
)

// The documented YAML keys decode into Config and validate.
func TestConfigYAML(t *testing.T) {
	got := configtest.Examples[Config](t, "testdata/example.yaml")
	if len(got) != 4 || got[0].Timeout != 15*time.Second || got[0].MaxBodyBytes != 1<<20 || got[0].Headers["X-Tenant"] != "imscope" ||
		got[1].Bridge != "@key" || got[1].Records != "[*]" || !got[1].Cumulative || got[1].HeadersEnv["X-Api-Key"] != "BRIDGE_KEY" {
		t.Fatalf("%+v", got)
	}
	if e := got[2].Each; e == nil || e.Var != "region" || len(e.Values) != 2 || e.From == nil || e.From.Value != "id" ||
		got[2].BasicAuth.PasswordEnv != "VENDOR_PASSWORD" || got[2].Segment != "={region}" {
		t.Fatalf("the per-item example: %+v", got[2])
	}
	if got[3].Method != "POST" || got[3].Body != `{"name": "onlineusers", "host": "{host}"}` || got[3].Each.From.Body != "{}" {
		t.Fatalf("the ejabberd example: %+v", got[3])
	}
}
