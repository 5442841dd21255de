package analytics

import (
	"math"
	"slices"
)

// Markov is a Markov chain over network states, for steady states and
// forecasts of who ends up where if this period's switching went on.
//
// Built from a switching matrix, it uses only the network-to-network part,
// each row renormalised to sum to 1:
//
//	Q_ij = N_ij / Σ_{k network} N_ik
//
// that is, entrants and leavers are left out and the market is treated as
// closed: the chain says where users who stay in the panel move, not how
// big the panel grows. A network with no users staying in the panel (an
// empty row: new at p+1, or every user left) gives no evidence of where its
// users go; it is kept as a state that keeps its users (Q_ii = 1), and
// listed in NoData so a chart can warn.
type Markov struct {
	Networks []string
	Q        [][]float64 // row-stochastic, n×n
	NoData   []string    // networks whose row was empty and set to Q_ii = 1
}

// Markov returns the chain of s (see type Markov for how entrants, leavers
// and empty rows are treated).
func (s *Switching) Markov() Markov {
	n := len(s.Networks)
	m := Markov{Networks: s.Networks, Q: square[float64](n)}
	for i := range n {
		var stay uint64
		for j := range n {
			stay += s.Counts[i][j]
		}
		if stay == 0 {
			m.Q[i][i] = 1
			m.NoData = append(m.NoData, s.Networks[i])
			continue
		}
		for j := range n {
			m.Q[i][j] = float64(s.Counts[i][j]) / float64(stay)
		}
	}
	return m
}

// NewMarkov builds a chain from an explicit row-stochastic matrix, for
// hypotheticals ("what if retention rose to 90%"). Every entry must be in
// [0, 1] and every row must sum to 1 within 1e-9.
func NewMarkov(networks []string, q [][]float64) (Markov, error) {
	if len(q) != len(networks) {
		return Markov{}, invalid("matrix", "%d rows for %d networks", len(q), len(networks))
	}
	m := Markov{Networks: slices.Clone(networks), Q: square[float64](len(q))}
	for i, row := range q {
		if len(row) != len(networks) {
			return Markov{}, invalid("matrix", "row %d has %d columns for %d networks", i, len(row), len(networks))
		}
		var sum float64
		for j, v := range row {
			if !finite(v) || v < 0 || v > 1 {
				return Markov{}, invalid("matrix", "entry [%d][%d] = %v is not a probability", i, j, v)
			}
			sum += v
			m.Q[i][j] = v
		}
		if math.Abs(sum-1) > 1e-9 {
			return Markov{}, invalid("matrix", "row %d sums to %v, not 1", i, sum)
		}
	}
	return m, nil
}

// SteadyState is the long-run distribution π = πQ of a chain, if unique.
type SteadyState struct {
	// Unique is true when the chain has exactly one closed class, so one
	// stationary distribution, reached from any start.
	Unique bool
	// Pi is π as fractions (sum 1) by Networks; zero on transient states.
	// Nil when not Unique.
	Pi []float64
	// Classes are the closed communicating classes: sets of networks that
	// users, once in, never leave. More than one means the long run depends
	// on where users start (an absorbing network is a class of one).
	Classes [][]string
	// Transient networks lose their users to the closed classes for good.
	Transient []string
	// Residual is max_j |(πQ)_j − π_j|, the check that π is a fixed point.
	Residual float64
}

// SteadyState finds π with π = πQ, Σπ = 1.
//
// Power iteration is not used: it never converges on periodic chains (users
// alternating between two networks) and converges slowly on nearly
// reducible ones. Instead the closed classes are found from the graph of
// Q_ij > 0; if there is exactly one, π is zero outside it and inside it is
// the unique stationary distribution of the class, computed by the
// Grassmann–Taksar–Heyman state reduction (Gaussian elimination that only
// adds and multiplies non-negative numbers, hence accurate to rounding).
// With several closed classes there is no unique steady state: Unique is
// false and Classes says which.
//
// Example (docs/metrics.md): Q = [.8 .1 .1; .2 .7 .1; .2 .2 .6] gives
// π = (.5, .3, .2).
func (m Markov) SteadyState() SteadyState {
	n := len(m.Networks)
	classes, closed := communicatingClasses(m.Q)
	var st SteadyState
	var recurrent []int
	for ci, c := range classes {
		names := make([]string, len(c))
		for k, i := range c {
			names[k] = m.Networks[i]
		}
		if closed[ci] {
			st.Classes = append(st.Classes, names)
			recurrent = c
		} else {
			st.Transient = append(st.Transient, names...)
		}
	}
	slices.Sort(st.Transient)
	if len(st.Classes) != 1 {
		return st
	}
	pi := gth(m.Q, recurrent)
	st.Unique, st.Pi = true, make([]float64, n)
	for k, i := range recurrent {
		st.Pi[i] = pi[k]
	}
	st.Residual = residual(m.Q, st.Pi)
	return st
}

// communicatingClasses partitions the states into strongly connected
// components of the graph i→j when q[i][j] > 0 (by boolean transitive
// closure: n is a few dozen networks at most), and says which are closed
// (no edge leaves them). Classes are listed by their smallest state.
func communicatingClasses(q [][]float64) ([][]int, []bool) {
	n := len(q)
	reach := square[bool](n)
	for i := range n {
		reach[i][i] = true
		for j := range n {
			if q[i][j] > 0 {
				reach[i][j] = true
			}
		}
	}
	for k := range n {
		for i := range n {
			if !reach[i][k] {
				continue
			}
			for j := range n {
				if reach[k][j] {
					reach[i][j] = true
				}
			}
		}
	}
	class := make([]int, n)
	for i := range class {
		class[i] = -1
	}
	var classes [][]int
	var closed []bool
	for i := range n {
		if class[i] >= 0 {
			continue
		}
		var c []int
		for j := range n {
			if reach[i][j] && reach[j][i] {
				class[j] = len(classes)
				c = append(c, j)
			}
		}
		isClosed := true
		for _, a := range c {
			for j := range n {
				if reach[a][j] && !(reach[j][a]) {
					isClosed = false
				}
			}
		}
		classes = append(classes, c)
		closed = append(closed, isClosed)
	}
	return classes, closed
}

// gth returns the stationary distribution of the irreducible sub-chain of q
// on the given states, by Grassmann–Taksar–Heyman state reduction: states
// are eliminated from the last, folding their transitions into the others
// (censoring), then π is rebuilt forward and normalised.
func gth(q [][]float64, states []int) []float64 {
	n := len(states)
	a := square[float64](n)
	for i, si := range states {
		for j, sj := range states {
			a[i][j] = q[si][sj]
		}
	}
	for k := n - 1; k > 0; k-- {
		var s float64
		for j := range k {
			s += a[k][j]
		}
		// s > 0: the class is irreducible, so state k reaches some earlier state.
		for i := range k {
			a[i][k] /= s
		}
		for i := range k {
			if a[i][k] == 0 {
				continue
			}
			for j := range k {
				a[i][j] += a[i][k] * a[k][j]
			}
		}
	}
	pi := make([]float64, n)
	pi[0] = 1
	total := 1.0
	for j := 1; j < n; j++ {
		for i := range j {
			pi[j] += pi[i] * a[i][j]
		}
		total += pi[j]
	}
	for i := range pi {
		pi[i] /= total
	}
	return pi
}

// residual is max_j |(πQ)_j − π_j|.
func residual(q [][]float64, pi []float64) float64 {
	var worst float64
	for j := range pi {
		var v float64
		for i := range pi {
			v += pi[i] * q[i][j]
		}
		worst = max(worst, math.Abs(v-pi[j]))
	}
	return worst
}

// Forecast projects a distribution k periods ahead under the chain:
//
//	s_t = s_{t−1} · Q,  so  s_k = s_0 · Q^k
//
// It returns s_0 … s_k (k+1 vectors). s_0 is any non-negative vector over
// Networks — shares in percent (Switching.Shares) or user counts — and
// every step keeps its total, so percent stays percent. The forecast
// inherits the chain's closed-market assumption.
func (m Markov) Forecast(s0 []float64, k int) ([][]float64, error) {
	if k < 0 {
		return nil, invalid("periods", "must be 0 or more, not %d", k)
	}
	if len(s0) != len(m.Networks) {
		return nil, invalid("shares", "%d values for %d networks", len(s0), len(m.Networks))
	}
	for i, v := range s0 {
		if !finite(v) || v < 0 {
			return nil, invalid("shares", "%s: %v is not a finite non-negative value", m.Networks[i], v)
		}
	}
	out := make([][]float64, 0, k+1)
	out = append(out, slices.Clone(s0))
	for t := 1; t <= k; t++ {
		prev, next := out[t-1], make([]float64, len(s0))
		for i, v := range prev {
			if v == 0 {
				continue
			}
			for j, p := range m.Q[i] {
				next[j] += v * p
			}
		}
		out = append(out, next)
	}
	return out, nil
}
