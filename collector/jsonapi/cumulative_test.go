package jsonapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/imscope/imscope/collector"
)

// With cumulative set, running totals become increases between fetches:
// nothing the first time, the difference after, the whole value after a
// reset; gauges pass through; a failed hand-on keeps the older totals.
func TestCumulative(t *testing.T) {
	// Each fetch serves the next set of totals.
	bodies := []string{
		`{"qq":{"messages":100,"dau":10},"msn":{"messages":50,"dau":5}}`,
		`{"qq":{"messages":130,"dau":11},"msn":{"messages":50,"dau":6}}`,
		`{"qq":{"messages":7,"dau":12},"msn":{"messages":80,"dau":7},"skype":{"messages":9,"dau":1}}`,   // qq restarted; skype is new
		`{"qq":{"messages":20,"dau":12},"msn":{"messages":90,"dau":7},"skype":{"messages":10,"dau":1}}`, // this hand-on fails
		`{"qq":{"messages":25,"dau":12},"msn":{"messages":95,"dau":7},"skype":{"messages":12,"dau":1}}`,
	}
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(bodies[n.Add(1)-1]))
	}))
	defer srv.Close()
	msgs, err := New("c", Config{URL: srv.URL, Records: "[*]", Network: "@key", Metric: "=messages", Value: "messages", Cumulative: true}, withDefaults(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"[]", "[msn:0 qq:30]", "[msn:30 qq:7]", "emit failed", "[msn:15 qq:18 skype:3]"}
	for i, w := range want {
		var got collector.Batch
		err := msgs.Collect(context.Background(), func(_ context.Context, b collector.Batch) error {
			got = b
			if i == 3 {
				return errors.New("spool full")
			}
			return nil
		})
		s := fmt.Sprint(samples(got))
		if i == 3 {
			if err == nil {
				t.Fatal("emit error lost")
			}
			s = "emit failed"
		} else if err != nil {
			t.Fatal(err)
		}
		if s != w {
			t.Errorf("fetch %d: %s, want %s", i+1, s, w)
		}
	}

	// A gauge is not differenced.
	n.Store(0)
	dau, _ := New("g", Config{URL: srv.URL, Records: "[*]", Network: "@key", Metric: "=active_users_1d", Value: "dau", Cumulative: true}, withDefaults(Options{}))
	b, err := collectOnce(dau)
	if err != nil || fmt.Sprint(samples(b)) != "[msn:5 qq:10]" {
		t.Fatalf("err %v, %v", err, samples(b))
	}
}

func TestCumulativeBridges(t *testing.T) {
	bodies := []string{
		`[{"b":"wa","sent":100,"failed":1,"bytes":1000}]`,
		`[{"b":"wa","sent":150,"failed":4,"bytes":1500}]`,
		`[{"b":"wa","sent":160,"failed":20,"bytes":1600}]`,
	}
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(bodies[n.Add(1)-1]))
	}))
	defer srv.Close()
	src, err := New("b", Config{URL: srv.URL, Kind: KindBridges, Bridge: "b", FromNetwork: "=matrix", ToNetwork: "=whatsapp",
		Messages: "sent", Failures: "failed", Bytes: "bytes", Cumulative: true}, withDefaults(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := collectOnce(src); err != nil || b.Rows() != 0 {
		t.Fatalf("first fetch: %v, %+v", err, b)
	}
	b, err := collectOnce(src)
	if err != nil || len(b.Bridges) != 1 || b.Bridges[0].Messages != 50 || b.Bridges[0].Failures != 3 || b.Bridges[0].Bytes != 500 {
		t.Fatalf("second fetch: %v, %+v", err, b)
	}
	b, err = collectOnce(src)
	if err != nil || len(b.Bridges) != 0 || len(b.Problems) != 1 || b.Problems[0].Message != "failures (failed): 16 failures of 10 messages; messages must count the failed ones too" {
		t.Fatalf("third fetch: %v, %+v", err, b)
	}
}

func samples(b collector.Batch) []string {
	out := []string{}
	for _, s := range b.Samples {
		out = append(out, fmt.Sprintf("%s:%v", s.Network, s.Value))
	}
	return out
}
