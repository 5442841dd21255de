package openmetrics

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var captureProsody = flag.Bool("capture-prosody", false, "run Prosody, drive some traffic, and save its exposition as testdata/prosody-0.12.exposition")

// TestCaptureProsody records the Prosody fixture (see testdata/README.md).
// It is not a test: it runs only with -capture-prosody.
func TestCaptureProsody(t *testing.T) {
	if !*captureProsody {
		t.Skip("run with -capture-prosody to re-record testdata/prosody-0.12.exposition")
	}
	p := startProsody(t)
	p.login(t)
	p.s2s(t, "a.example.test", "</stream:stream>")
	p.s2s(t, "a.example.test", "<message><<broken")
	p.s2s(t, "b.example.test", "<message><<broken")
	p.s2s(t, "nowhere.example.test", "</stream:stream>")
	p.s2s(t, "b.example.test", "<db:result from='remote.example' to='b.example.test'>00ff</db:result>")
	// mod_measure_active_users first counts 15 s after start.
	time.Sleep(17 * time.Second)
	ct, body := p.scrapeRaw(t)
	t.Logf("Content-Type: %s", ct)
	if err := os.WriteFile(filepath.Join("testdata", "prosody-0.12.exposition"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "prosody-0.12.content-type"), []byte(ct+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
