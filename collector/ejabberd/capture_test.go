package ejabberd

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/imscope/imscope/collector/ejabberd/ejabberdtest"
)

var captureEjabberd = flag.Bool("capture-ejabberd", false, "run ejabberd, log clients in, and save its answers as testdata/ejabberd-23.01.json")

// exchange is one request to ejabberd's API and its answer, as captured
// from a real server (testdata/ejabberd-23.01.json).
type exchange struct {
	Auth    string            `json:"auth"` // basic, none, wrong-token, wrong-password
	Command string            `json:"command"`
	Args    map[string]string `json:"args"`
	Status  int               `json:"status"`
	Answer  string            `json:"answer"`
}

// The capture's server, and the credentials the replay accepts.
const (
	capturedAccount  = "imscope@a.example.test"
	capturedPassword = "imscope-secret-4f2a"
	replayToken      = "replay-token-0123"
)

// TestCaptureEjabberd records the ejabberd fixture (see testdata/README.md).
// It is not a test: it runs only with -capture-ejabberd.
func TestCaptureEjabberd(t *testing.T) {
	if !*captureEjabberd {
		t.Skip("run with -capture-ejabberd to re-record testdata/ejabberd-23.01.json")
	}
	srv := ejabberdtest.Start(t, "a.example.test", "b.example.test")
	if srv.Account != capturedAccount || srv.Password != capturedPassword {
		t.Fatalf("the server's account is %s, the replay's %s", srv.Account, capturedAccount)
	}
	srv.Populate(t)
	var got []exchange
	ask := func(auth, command string, args map[string]string) {
		body, _ := json.Marshal(args)
		req, _ := http.NewRequest(http.MethodPost, srv.API+"/"+command, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		switch auth {
		case "basic":
			req.SetBasicAuth(srv.Account, srv.Password)
		case "wrong-password":
			req.SetBasicAuth(srv.Account, "not-the-password")
		case "wrong-token":
			req.Header.Set("Authorization", "Bearer not-the-token")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got = append(got, exchange{Auth: auth, Command: command, Args: args, Status: resp.StatusCode, Answer: string(answer)})
	}
	ask("basic", "registered_vhosts", map[string]string{})
	for _, host := range []string{"a.example.test", "b.example.test", "nope.example.test"} {
		for _, st := range stats {
			ask("basic", "stats_host", map[string]string{"name": st.name, "host": host})
		}
	}
	for _, auth := range []string{"none", "wrong-token", "wrong-password"} {
		ask(auth, "registered_vhosts", map[string]string{})
	}
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/ejabberd-23.01.json", append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("ejabberd %s: %d exchanges captured", srv.Version, len(got))
}
