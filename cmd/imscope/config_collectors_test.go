package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestCollectorsConfig(t *testing.T) {
	env := map[string]string{"WHATSAPP_AS_TOKEN": "a-token-of-at-least-16-characters", "EJABBERD_TOKEN": "an-ejabberd-token"}
	cfg, err := loadConfig("testdata/config/collectors.yaml", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	built, err := buildCollectors(cfg, func(k string) string { return env[k] }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range built.list {
		kinds = append(kinds, c.Kind)
		if c.Source == nil || c.Timeout <= 0 {
			t.Errorf("collector %s is not ready: %+v", c.Name, c)
		}
	}
	if strings.Join(kinds, ",") != "openmetrics,csv,json,ejabberd,checkpoints,simulate" {
		t.Fatalf("kinds %v", kinds)
	}
	if built.receivers["mautrix"] == nil || len(built.flushers) != 1 {
		t.Fatal("the checkpoints receiver is not mounted")
	}
	if c, _ := built.find("prosody"); c.Timeout.String() != "20s" || c.Target != "http://127.0.0.1:5280/metrics" {
		t.Fatalf("prosody collector %+v", c)
	}
	if c, _ := built.find("ejabberd"); c.Kind != "ejabberd" || c.Target != "http://127.0.0.1:5281/api" {
		t.Fatalf("ejabberd collector %+v", c)
	}
}

func TestCollectorsConfigErrors(t *testing.T) {
	_, err := loadConfig("testdata/config/collectors-bad.yaml", func(string) string { return "" })
	if err == nil {
		t.Fatal("a bad collectors section was accepted")
	}
	for _, want := range []string{
		`collectors-bad.yaml:4: collectors[0].schedule: schedule "every minute"`,
		`collectors-bad.yaml:8: collectors[0].openmetrics.rules[0].metric: "likes" is not in the metric catalog`,
		`collectors-bad.yaml:9: collectors[1].name: "prosody" is already the name of collectors[0]`,
		`collectors-bad.yaml:11: collectors[1].openmetrics: settings for openmetrics, but the collector's kind is csv`,
		`collectors[1].kind: a csv collector needs its settings under "csv"`,
		`collectors-bad.yaml:12: collectors[2].name: "Bad Name" is not a valid collector name`,
		`collectors-bad.yaml:13: collectors[2].kind: "carrier-pigeon" is not one of openmetrics, csv, json, ejabberd, checkpoints, simulate`,
		`collectors-bad.yaml:16: collectors[3].ejabberd.hosts[1]: "https://xmpp.msn.example" is not a host name`,
		`collectors-bad.yaml:18: alerts.interval: must be at least 1s`,
		`collectors-bad.yaml:20: alerts.rules[0].series: "bridge.latency" is not one of`,
		`collectors-bad.yaml:21: alerts.rules[1].collector: "nowhere" is not a scheduled collector`,
		`collectors-bad.yaml:22: alerts.rules[2].op: "~" is not one of >, >=, <, <=`,
		`collectors-bad.yaml:22: alerts.rules[2].collector: is not used by threshold rules`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q; got:\n%v", want, err)
		}
	}
}
