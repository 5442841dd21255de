package queries

// bloom is a Bloom filter of 64-bit key hashes: has is false only for a
// hash never added. 2^28 bits (32 MiB) with 7 probes: one false "maybe" in
// about 23,000 at 10 M keys, one in 8 at 50 M (newPeriods then looks more
// rows up, and stays exact).
type bloom struct{ bits []uint64 }

const (
	bloomBits   = 1 << 28
	bloomProbes = 7
)

func newBloom() *bloom { return &bloom{bits: make([]uint64, bloomBits/64)} }

// probe i of hash h: double hashing over the hash's two halves.
func probe(h uint64, i uint64) uint64 {
	return (h + i*(h>>32|1)) % bloomBits
}

func (b *bloom) add(h uint64) {
	for i := range uint64(bloomProbes) {
		p := probe(h, i)
		b.bits[p/64] |= 1 << (p % 64)
	}
}

func (b *bloom) has(h uint64) bool {
	for i := range uint64(bloomProbes) {
		p := probe(h, i)
		if b.bits[p/64]&(1<<(p%64)) == 0 {
			return false
		}
	}
	return true
}
