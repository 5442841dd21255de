package guard

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// Sessions live on the server, in memory: the cookie carries only a random
// id (and a MAC over it and the credentials it was made with), so a
// session ends for good when the admin signs out, when it expires, and
// when imscope restarts — a copied cookie is worth nothing after any of
// them. A session is bound to a fingerprint of the admin's credentials
// (user name, password hash, token hash): one made before a credential
// changed is refused even if the store were kept across restarts.
//
// The store is bounded: at maxSessions the oldest session is ended to make
// room (only a correct password makes one, so that takes the admin's own
// sign-ins).
const maxSessions = 1_000

// session is one signed-in browser.
type session struct {
	User    string
	CSRF    string // the token its forms must carry
	Created time.Time
	Expires time.Time
}

// sessionStore holds live sessions by the SHA-256 of their id, so the
// map itself holds nothing a cookie could be made from.
type sessionStore struct {
	mu   sync.Mutex
	byID map[[sha256.Size]byte]*session
	max  int
}

func newSessionStore(max int) *sessionStore {
	return &sessionStore{byID: map[[sha256.Size]byte]*session{}, max: max}
}

// create starts a session for user and returns its id.
func (s *sessionStore) create(user string, now time.Time, ttl time.Duration) (string, *session) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	id := base64.RawURLEncoding.EncodeToString(b)
	ss := &session{User: user, CSRF: randomToken(), Created: now, Expires: now.Add(ttl)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byID) >= s.max {
		s.evict(now)
	}
	s.byID[sha256.Sum256([]byte(id))] = ss
	return id, ss
}

// get returns the live session with id, ending it if it has expired.
func (s *sessionStore) get(id string, now time.Time) (*session, bool) {
	key := sha256.Sum256([]byte(id))
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.byID[key]
	if !ok {
		return nil, false
	}
	if !now.Before(ss.Expires) {
		delete(s.byID, key)
		return nil, false
	}
	return ss, true
}

// end ends the session with id, if there is one.
func (s *sessionStore) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, sha256.Sum256([]byte(id)))
}

func (s *sessionStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}

// evict drops the expired sessions, and the oldest one if that freed nothing.
func (s *sessionStore) evict(now time.Time) {
	var oldest [sha256.Size]byte
	var oldestAt time.Time
	for k, ss := range s.byID {
		if !now.Before(ss.Expires) {
			delete(s.byID, k)
			continue
		}
		if oldestAt.IsZero() || ss.Created.Before(oldestAt) {
			oldest, oldestAt = k, ss.Created
		}
	}
	if len(s.byID) >= s.max {
		delete(s.byID, oldest)
	}
}
