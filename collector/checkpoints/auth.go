package checkpoints

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
)

// minTokenLen is the shortest token accepted at start: a short token can be
// guessed by anyone who can reach the endpoint.
const minTokenLen = 16

// bridge is one configured bridge as the receiver needs it at run time. Only
// a digest of its token is kept, so no code path can log or echo the token.
type bridge struct {
	BridgeConfig
	digest [sha256.Size]byte
}

// tokenSet finds the bridge a bearer token belongs to.
type tokenSet []bridge

// newTokenSet reads each bridge's token from getenv. Errors name the
// variable, never its value.
func newTokenSet(bridges []BridgeConfig, getenv func(string) string) (tokenSet, error) {
	set := make(tokenSet, 0, len(bridges))
	seen := map[[sha256.Size]byte]string{}
	for i, b := range bridges {
		tok := strings.TrimSpace(getenv(b.TokenEnv))
		if tok == "" {
			return nil, fmt.Errorf("bridges[%d] (%s): environment variable %s is empty or unset; it must hold the bridge's token", i, b.ID, b.TokenEnv)
		}
		if len(tok) < minTokenLen {
			return nil, fmt.Errorf("bridges[%d] (%s): the token in %s is shorter than %d characters", i, b.ID, b.TokenEnv, minTokenLen)
		}
		d := sha256.Sum256([]byte(tok))
		if other, dup := seen[d]; dup {
			return nil, fmt.Errorf("bridges[%d] (%s): the token in %s is also bridge %s's; each bridge needs its own token", i, b.ID, b.TokenEnv, other)
		}
		seen[d] = b.ID
		set = append(set, bridge{BridgeConfig: b, digest: d})
	}
	return set, nil
}

// match returns the bridge whose token the request carries in
// "Authorization: Bearer <token>", or nil. Tokens are compared as SHA-256
// digests in constant time, and every bridge is compared, so neither the
// timing of a mismatch nor its length tells how close a guess was.
func (s tokenSet) match(r *http.Request) *bridge {
	tok, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		return nil
	}
	d := sha256.Sum256([]byte(tok))
	found := -1
	for i := range s {
		if subtle.ConstantTimeCompare(d[:], s[i].digest[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return nil
	}
	return &s[found]
}

// bearer extracts the token of a Bearer Authorization header (the scheme is
// case-insensitive, RFC 9110 §11.1).
func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}
