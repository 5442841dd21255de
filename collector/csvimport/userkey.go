package csvimport

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
)

// MinPanelKeyLen is the shortest panel hashing key accepted. Sixteen
// characters of a random hex string carry 64 bits, enough that the key cannot
// be guessed to reverse the pseudonyms.
const MinPanelKeyLen = 16

// UserHasher turns external panel user ids into PanelRecord.UserKey values:
// the first 8 bytes, big-endian, of HMAC-SHA256(key, id). The same id and
// key always give the same UserKey, so a user can be followed across periods
// and files; without the key, the ids cannot be recovered by hashing
// guesses. Every importer of panel data must use this function and the same
// key, or the same person would get two keys.
//
// A UserHasher is not safe for concurrent use; it reuses its buffers so that
// hashing costs no allocation per row.
type UserHasher struct {
	mac hash.Hash
	in  []byte
	sum []byte
}

// NewUserHasher returns a hasher keyed with key, which must be at least
// MinPanelKeyLen bytes.
func NewUserHasher(key []byte) (*UserHasher, error) {
	if len(key) < MinPanelKeyLen {
		return nil, fmt.Errorf("the panel hashing key has %d characters; it needs at least %d", len(key), MinPanelKeyLen)
	}
	return &UserHasher{mac: hmac.New(sha256.New, key), sum: make([]byte, 0, sha256.Size)}, nil
}

// Key returns the UserKey of the external id.
func (h *UserHasher) Key(id string) uint64 {
	h.mac.Reset()
	h.in = append(h.in[:0], id...)
	h.mac.Write(h.in)
	h.sum = h.mac.Sum(h.sum[:0])
	return binary.BigEndian.Uint64(h.sum)
}
