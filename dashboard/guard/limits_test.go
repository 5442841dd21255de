package guard_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// TestOversizedBodiesRefusedUnread: a body over the route's cap, or one
// that is not a urlencoded form, is answered before it has been sent —
// the server reads little or none of it — and nothing is spooled to disk
// (net/http's multipart parser writes large parts to temporary files).
// The client is a raw connection, so it can count what it had sent when
// the answer came.
func TestOversizedBodiesRefusedUnread(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where a multipart parser would spool
	srv, _ := dashtest.LiveAdmin(t)
	const mb = 1 << 20
	tests := []struct {
		name, path, contentType string
		length                  int  // declared; 0: chunked
		send                    int  // bytes of body the client tries to send
		wantStatus              int  //
		unread                  bool // answered long before the body was sent
		wantAPI                 bool // the API's error body
	}{
		{"multipart sign-in, 100 MB declared", "/login", "multipart/form-data; boundary=x", 100 * mb, 100 * mb, http.StatusRequestEntityTooLarge, true, false},
		{"multipart sign-in, chunked", "/login", "multipart/form-data; boundary=x", 0, 40 * mb, http.StatusUnsupportedMediaType, true, false},
		{"form sign-in, 100 MB declared", "/login", "application/x-www-form-urlencoded", 100 * mb, 100 * mb, http.StatusRequestEntityTooLarge, true, false},
		{"form sign-in, chunked past the cap", "/login", "application/x-www-form-urlencoded", 0, 1 * mb, http.StatusRequestEntityTooLarge, false, false},
		{"admin action, 2 MB declared", "/api/v1/alerts/silences", "application/x-www-form-urlencoded", 2 * mb, 2 * mb, http.StatusRequestEntityTooLarge, false, true},
		{"admin action, JSON", "/api/v1/alerts/silences", "application/json", 20, 20, http.StatusUnsupportedMediaType, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, sent := rawPost(t, srv, tc.path, tc.contentType, tc.length, tc.send)
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %.300s", status, tc.wantStatus, body)
			}
			if tc.unread && sent > tc.send/2 {
				t.Errorf("answered after %d of %d bytes: the body was read first", sent, tc.send)
			}
			if tc.wantAPI != strings.Contains(body, `{"error":{"code":"`) {
				t.Errorf("body %.300s: API error shape %v, want %v", body, !tc.wantAPI, tc.wantAPI)
			}
			if files, _ := os.ReadDir(tmp); len(files) > 0 {
				t.Errorf("%d files spooled to TMPDIR, first %s", len(files), files[0].Name())
			}
		})
	}
}

// rawPost sends a POST's headers, then its body in the background, and
// returns the status, the body of the answer, and how many body bytes had
// been written when the answer's status line arrived.
func rawPost(t *testing.T, srv *httptest.Server, path, contentType string, length, send int) (int, string, int) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: imscope.test\r\nContent-Type: %s\r\n", path, contentType)
	if length > 0 {
		head += fmt.Sprintf("Content-Length: %d\r\n\r\n", length)
	} else {
		head += "Transfer-Encoding: chunked\r\n\r\n"
	}
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	var sent atomic.Int64
	go func() {
		chunk := []byte("--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f\"\r\n\r\n" + strings.Repeat("a", 64<<10-70) + "\r\n")
		if !strings.HasPrefix(contentType, "multipart") {
			chunk = []byte("a=" + strings.Repeat("b", 64<<10-2))
		}
		for sent.Load() < int64(send) {
			n := min(len(chunk), send-int(sent.Load()))
			var err error
			if length > 0 {
				_, err = conn.Write(chunk[:n])
			} else {
				_, err = fmt.Fprintf(conn, "%x\r\n%s\r\n", n, chunk[:n])
			}
			if err != nil {
				return // the server has answered and closed
			}
			sent.Add(int64(n))
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(conn)
	if _, err := br.Peek(12); err != nil {
		t.Fatalf("no answer (after %d body bytes sent): %v", sent.Load(), err)
	}
	at := int(sent.Load())
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), at
}
