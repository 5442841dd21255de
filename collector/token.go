package collector

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
	"slices"
	"time"
)

// batchToken is a digest of a batch's rows. Inserts carry it as their
// deduplication token, so the same rows sent again — a retry after a timeout,
// a replay from the spool after a crash, a re-import of the same file —
// are stored once. Rows that differ in anything (a timestamp, a value) give
// a different token.
func batchToken(b *Batch) string {
	h := sha256.New()
	w := tokenWriter{h: h}
	w.str(b.Nonce)
	for _, s := range b.Samples {
		w.str("s")
		w.time(s.TS)
		w.str(s.Source)
		w.str(s.Network)
		w.str(s.Metric)
		w.str(s.Segment)
		w.f64(s.Value)
	}
	for _, r := range b.Bridges {
		w.str("b")
		w.time(r.TS)
		w.str(r.Source)
		w.str(r.Bridge)
		w.str(r.FromNetwork)
		w.str(r.ToNetwork)
		w.u64(r.Messages)
		w.u64(r.Failures)
		w.u64(r.Bytes)
		bounds := make([]uint64, 0, len(r.Latency))
		for k := range r.Latency {
			bounds = append(bounds, k)
		}
		slices.Sort(bounds)
		for _, k := range bounds {
			w.u64(k)
			w.u64(r.Latency[k])
		}
		w.f64(r.LatencySum)
	}
	for _, p := range b.Panel {
		w.str("p")
		w.time(p.Period)
		w.u64(p.UserKey)
		w.str(p.Network)
		w.str(p.Segment)
		w.u64(uint64(p.ActiveDays))
		w.u64(p.Messages)
	}
	for _, m := range b.Reports {
		w.str("r")
		w.str(m.Period)
		w.str(m.Publisher)
		w.str(m.Basis)
		w.str(m.Network)
		w.f64(m.Share)
		w.str(string(m.Bound))
		w.str(m.Note)
	}
	for _, s := range b.States {
		w.str("t")
		w.time(s.TS)
		w.str(s.Source)
		w.str(s.Bridge)
		w.str(s.RemoteID)
		w.str(s.State)
		w.str(s.Error)
		w.str(s.Message)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

type tokenWriter struct {
	h   hash.Hash
	buf [8]byte
}

func (w tokenWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(w.buf[:], v)
	w.h.Write(w.buf[:])
}

func (w tokenWriter) f64(v float64)    { w.u64(math.Float64bits(v)) }
func (w tokenWriter) time(t time.Time) { w.u64(uint64(t.UnixNano())) }
func (w tokenWriter) str(s string) {
	w.u64(uint64(len(s)))
	w.h.Write([]byte(s))
}
