package notify_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/notify"
)

// TestREADMESignatureCommand runs the README's shell command for checking a
// webhook's signature, exactly as written there, on the body of a real
// delivery saved byte for byte: it must print the delivery's
// X-Imscope-Signature-256 (the body ends in a newline, which `$(cat body)`
// would have dropped).
func TestREADMESignatureCommand(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("no openssl here")
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(l, "openssl dgst ") {
			line = l
		}
	}
	if line == "" {
		t.Fatal("README.md has no line starting `openssl dgst `")
	}
	h := newHook(t)
	secret := "s3cret-key"
	w, err := notify.NewWebhook("ops", h.srv.URL, notify.WebhookOptions{Secret: []byte(secret)})
	if err != nil {
		t.Fatal(err)
	}
	if res := notify.Deliver(context.Background(), []notify.Target{{Destination: w, Retry: fast}}, testMessage(), nil); res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body"), h.bodies[0], 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", line)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "IMSCOPE_OPS_WEBHOOK_SECRET="+secret)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	if got, want := strings.TrimSpace(string(out)), h.headers[0].Get(notify.HeaderSignature); got != want {
		t.Errorf("%s\nprints %q; the delivery's header is %q", line, got, want)
	}
}
