package server

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestOpenUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err = Open(ctx, Options{URL: "clickhouse://u:hunter2@" + addr + "/db", DialTimeout: time.Second})
	if err == nil {
		t.Fatal("Open succeeded with no server")
	}
	if want := "server engine: cannot connect to ClickHouse at " + addr; !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %q, want it to start with %q and hide the password", err, want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Open took %v to fail", d)
	}
	if _, err := Open(ctx, Options{URL: "http://" + addr}); err == nil || !strings.Contains(err.Error(), "native protocol") {
		t.Fatalf("HTTP URL: %v", err)
	}
}
