package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
)

// delivery is one request a webhook receiver got.
type delivery struct {
	header string // X-Imscope-Delivery
	id     string // the payload's id
	event  string
}

// TestAlertCutOffByShutdownKeepsItsID: an alert notification in flight
// when serve is stopped (the receiver has the POST and has not answered)
// arrives again after the restart under the same id, so a receiver that
// drops ids it has seen drops it; only the delivery that went through is
// in the log /api/v1/alerts/notifications shows.
func TestAlertCutOffByShutdownKeepsItsID(t *testing.T) {
	db := fmt.Sprintf("alert_redelivery_%d", time.Now().UnixNano()) // a clean log on every run (-count)
	ctx := context.Background()
	// A rule already firing, as a previous run left it: its series has no
	// data here, so the runner keeps the state and nothing resolves it.
	e, err := embedded.Open(ctx, embedded.Options{DataDir: sharedData(), Database: db, Library: projectLibrary(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	fired := time.Now().Add(-time.Minute).UTC()
	if err := queries.InsertAlertEvents(ctx, e, []queries.AlertEvent{{TS: fired, Rule: "bridge-stuck", Kind: "threshold", Firing: true, Value: 0.4,
		Message: "failure ratio 0.4 > 0.05", Labels: map[string]string{"bridge": "nowhere"}}}); err != nil {
		t.Fatal(err)
	}
	e.Close()

	got := make(chan delivery, 8)
	var mu sync.Mutex
	requests := 0
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p notify.WebhookPayload
		if err := json.Unmarshal(b, &p); err != nil {
			t.Error(err)
		}
		got <- delivery{header: r.Header.Get("X-Imscope-Delivery"), id: p.ID, event: p.Event}
		mu.Lock()
		requests++
		hold := requests == 1
		mu.Unlock()
		if hold { // the first POST is in flight until imscope gives up on it
			<-r.Context().Done()
		}
	}))
	t.Cleanup(hook.Close)
	cfg := writeConfig(t, fmt.Sprintf(`
destinations:
  - {name: ops, kind: webhook, webhook: {url: %q}}
alerts:
  interval: 1s
  rules:
    - {name: bridge-stuck, kind: threshold, series: bridge.failure_ratio, labels: {bridge: nowhere}, op: ">", threshold: 0.05}
  delivery: {destinations: [ops], group_wait: 0s}
`, hook.URL))
	args := []string{"--config", cfg, "--api-cache-ttl", "0s"}

	_, stop := startServe(t, db, args...)
	first := receive(t, got, "the first notification")
	if first.event != "alert" || first.id == "" || first.header != first.id {
		t.Fatalf("first %+v", first)
	}
	if err := stop(); err != nil { // shutdown, with the POST held
		t.Fatal(err)
	}

	base, stop := startServe(t, db, args...)
	again := receive(t, got, "the notification after the restart")
	if again.id != first.id || again.header != first.id {
		t.Fatalf("sent again as %+v, first as %+v", again, first)
	}
	// Recorded once, as sent, under that id.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var env struct {
			Data api.NotificationsData `json:"data"`
		}
		code, body := get(t, base+"/api/v1/alerts/notifications")
		if err := json.Unmarshal([]byte(body), &env); code != http.StatusOK || err != nil {
			t.Fatalf("%d %s", code, body)
		}
		if n := env.Data.Notifications; len(n) == 1 {
			if n[0].ID != first.id || n[0].Status != "ok" || n[0].Destination != "ops" || n[0].Attempts != 1 || n[0].Group != "rule=bridge-stuck" || env.Data.Total != 1 {
				t.Fatalf("log %+v", env.Data)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not recorded: %s", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case d := <-got:
		t.Fatalf("sent a third time: %+v", d)
	default:
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func receive(t *testing.T, got <-chan delivery, what string) delivery {
	t.Helper()
	select {
	case d := <-got:
		return d
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not arrive", what)
	}
	return delivery{}
}
