package ejabberdtest

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// Client is one XMPP client session, logged in over the plain c2s port and
// bound to a resource: ejabberd counts it online until Close or the end of
// the test. It speaks just enough XMPP for that (SASL PLAIN, which
// ejabberd offers without TLS when the listener has starttls: false).
type Client struct {
	conn net.Conn
	r    *bufio.Reader
}

// Login opens a session for user@host with the given resource.
func (s *Server) Login(t testing.TB, user, host, password, resource string) *Client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.C2S), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{conn: conn, r: bufio.NewReader(conn)}
	t.Cleanup(c.Close)
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	header := `<?xml version='1.0'?><stream:stream to='` + host + `' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`
	c.send(t, header)
	c.readUntil(t, "</stream:features>")
	creds := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
	c.send(t, `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>`+creds+`</auth>`)
	if got := c.readUntil(t, "/>", "</failure>"); !strings.Contains(got, "<success") {
		t.Fatalf("xmpp login of %s@%s refused: %s", user, host, got)
	}
	c.send(t, header)
	c.readUntil(t, "</stream:features>")
	c.send(t, `<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>`+resource+`</resource></bind></iq>`)
	if got := c.readUntil(t, "</iq>"); !strings.Contains(got, "type='result'") && !strings.Contains(got, `type="result"`) {
		t.Fatalf("xmpp bind of %s@%s/%s: %s", user, host, resource, got)
	}
	_ = conn.SetDeadline(time.Time{})
	return c
}

// Populate gives a server of two or more hosts the users the tests count
// against: on the first host the accounts imscope, alice and bob, and
// alice online twice (a PC and a phone: two sessions, one person); on the
// second, carol, online once. So the first host has 3 registered users
// and 2 sessions, the second 1 and 1.
func (s *Server) Populate(t testing.TB) {
	t.Helper()
	a, b := s.hosts[0], s.hosts[1]
	s.Register(t, "alice", a, "alice-pw")
	s.Register(t, "bob", a, "bob-pw")
	s.Register(t, "carol", b, "carol-pw")
	s.Login(t, "alice", a, "alice-pw", "pc")
	s.Login(t, "alice", a, "alice-pw", "phone")
	s.Login(t, "carol", b, "carol-pw", "pc")
}

// Close ends the session.
func (c *Client) Close() { c.conn.Close() }

func (c *Client) send(t testing.TB, s string) {
	t.Helper()
	if _, err := c.conn.Write([]byte(s)); err != nil {
		t.Fatalf("xmpp write: %v", err)
	}
}

// readUntil reads until the stream has produced one of markers.
func (c *Client) readUntil(t testing.TB, markers ...string) string {
	t.Helper()
	var got strings.Builder
	buf := make([]byte, 4096)
	for {
		for _, m := range markers {
			if strings.Contains(got.String(), m) {
				return got.String()
			}
		}
		n, err := c.r.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			t.Fatalf("xmpp: waiting for %q: %v (got %q)", markers, err, got.String())
		}
	}
}
