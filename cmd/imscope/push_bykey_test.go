package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pushMessages posts n delivered messages to the checkpoints receiver, each
// a BRIDGE then a REMOTE success at the given time, with event ids from
// first on, as a mautrix bridge does.
func pushMessages(t *testing.T, base, token string, first, n int, at time.Time) {
	t.Helper()
	var cps []string
	for i := first; i < first+n; i++ {
		ms := at.UnixMilli()
		for _, step := range []struct {
			name string
			dt   int64
		}{{"BRIDGE", 0}, {"REMOTE", 150}} {
			cps = append(cps, fmt.Sprintf(`{"event_id":"$ev%d:example.org","room_id":"!r:example.org","step":%q,"timestamp":%d,"status":"SUCCESS","event_type":"m.room.message","reported_by":"BRIDGE","retry_num":0}`, i, step.name, ms+step.dt))
		}
	}
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/push/mautrix/checkpoints", strings.NewReader(`{"checkpoints":[`+strings.Join(cps, ",")+`]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("push: %d, want 200", resp.StatusCode)
	}
}

// TestPushTrafficAcrossRestart: a bridge pushes messages of one minute to
// serve, serve restarts in that minute's aftermath (storing the interval at
// shutdown), and the bridge pushes more messages of the same minute: every
// message is stored once — the second part of the interval is a new
// revision of its row, not a conflict with the first and not lost.
func TestPushTrafficAcrossRestart(t *testing.T) {
	const db = "push_restart"
	const token = "as-token-0123456789abcdef0123456789"
	cfg := filepath.Join(t.TempDir(), "imscope.yaml")
	writeFile(t, cfg, "collectors:\n  - name: mautrix\n    kind: checkpoints\n    schedule: \"@every 1s\"\n    checkpoints:\n      bridges: [{id: whatsapp, from_network: matrix, to_network: whatsapp, token_env: WA_TOKEN}]\n")
	env := map[string]string{"WA_TOKEN": token}
	minute := time.Now().UTC().Truncate(time.Minute).Add(-2 * time.Minute)

	base, stop := startServeEnv(t, db, env, "--config", cfg)
	pushMessages(t, base, token, 0, 3, minute.Add(10*time.Second))
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	base, stop = startServeEnv(t, db, env, "--config", cfg)
	pushMessages(t, base, token, 3, 2, minute.Add(40*time.Second))
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, "SELECT sum(messages) FROM bridge_traffic"); n != 5 {
		t.Fatalf("%d messages stored, want 5 (3 before the restart, 2 after)", n)
	}
	if n := countRows(t, db, "SELECT sum(messages) FROM bridge_traffic_1m"); n != 5 {
		t.Fatalf("the per-minute rollup holds %d messages, want 5", n)
	}
	if n := countRows(t, db, "SELECT count() FROM bridge_traffic"); n != 2 {
		t.Fatalf("%d rows for the minute, want 2: one per serve", n)
	}
}
