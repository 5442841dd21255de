package ejabberdtest

import (
	"testing"

	"github.com/imscope/imscope/collector/internal/xmpptest"
)

// Client is one XMPP client session, logged in over the plain c2s port and
// bound to a resource: ejabberd counts it online until Close or the end of
// the test. It speaks just enough XMPP for that (SASL PLAIN, which
// ejabberd offers without TLS when the listener has starttls: false).
type Client struct {
	conn *xmpptest.Conn
}

// Login opens a session for user@host with the given resource.
func (s *Server) Login(t testing.TB, user, host, password, resource string) *Client {
	t.Helper()
	return &Client{conn: xmpptest.Login(t, s.C2S, user, host, password, resource)}
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
