package simulate

import "math"

// Every random number in the simulation comes from the functions in this
// file, not from math/rand: the demo dataset has to be identical for a given
// seed across Go releases and machines, and the standard library does not
// promise that for its derived distributions. Two styles are used:
//
//   - hashed noise, a pure function of (seed, what, when), for the usage and
//     bridge series: any day or minute can be computed on its own, which is
//     what lets live mode produce the same rows as a replay would;
//   - a sequential stream (rng) for the panel, whose users evolve from one
//     period to the next in a fixed order.

// mix64 is the SplitMix64 finaliser: a bijection on uint64 that spreads every
// input bit over the output.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

const hashInit = 0x517cc1b727220a95

// hash combines values into one well-mixed 64-bit value; order matters.
func hash(vals ...uint64) uint64 {
	h := uint64(hashInit)
	for _, v := range vals {
		h = mix64(h ^ v)
	}
	return h
}

// tag turns a name into a stream identifier for hash (FNV-1a).
func tag(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// unit maps a hash to a float64 uniform in [0, 1).
func unit(h uint64) float64 {
	return float64(h>>11) * (1.0 / (1 << 53))
}

// normal maps a hash to a standard normal deviate (Box–Muller on two
// derived uniforms).
func normal(h uint64) float64 {
	u1 := unit(mix64(h ^ 0x6a09e667f3bcc909))
	u2 := unit(mix64(h ^ 0xbb67ae8584caa73b))
	if u1 < 1e-300 {
		u1 = 1e-300
	}
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// jitter is multiplicative log-normal noise with median 1 and log-scale sigma.
func jitter(h uint64, sigma float64) float64 {
	return math.Exp(sigma * normal(h))
}

// poisson draws a Poisson count with the given mean, driven by h. Small means
// use Knuth's product method so that quiet minutes look like counts (0, 1,
// 3...), large ones the normal approximation.
func poisson(mean float64, h uint64) uint64 {
	if mean <= 0 {
		return 0
	}
	if mean >= 30 {
		v := math.Round(mean + math.Sqrt(mean)*normal(h))
		if v < 0 {
			return 0
		}
		return uint64(v)
	}
	r := rng{s: h}
	limit := math.Exp(-mean)
	p := 1.0
	var k uint64
	for {
		p *= r.float()
		if p <= limit {
			return k
		}
		k++
	}
}

// rng is a sequential SplitMix64 stream.
type rng struct{ s uint64 }

func newRNG(vals ...uint64) *rng { return &rng{s: hash(vals...)} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float is uniform in [0, 1).
func (r *rng) float() float64 { return unit(r.next()) }

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// norm is a standard normal deviate.
func (r *rng) norm() float64 { return normal(r.next()) }

// pick returns an index drawn with probability proportional to w[i].
// It returns -1 when all weights are zero.
func (r *rng) pick(w []float64) int {
	var sum float64
	for _, x := range w {
		sum += x
	}
	if sum <= 0 {
		return -1
	}
	u := r.float() * sum
	last := -1
	for i, x := range w {
		if x <= 0 {
			continue
		}
		last = i
		if u < x {
			return i
		}
		u -= x
	}
	return last
}
