package analytics

import (
	"math"
	"strconv"
)

// Disclosure is a switching analysis as it may be published: the privacy
// policy whole. Table hides the small cells (Switching.Table); everything
// that derives from a hidden count is hidden with it; and the figures of
// the Markov chain, which mix every count, are rounded coarsely enough
// that the hidden counts cannot be solved for from them.
type Disclosure struct {
	SwitchingTable
	// Diversion[i][j] is D_ij; nil when cell ij is hidden, when nobody left
	// i, on the diagonal, and for a whole row whose diagonal is hidden (its
	// denominator, row total − N_ii, would give N_ii back).
	Diversion [][]*float64
	// Retention[i] is P_ii; nil when the diagonal cell is hidden or i had
	// no users.
	Retention []*float64
	// Resolution is the step, in percentage points, that SteadyShares and
	// Forecast are rounded to (0: exact, when nothing is hidden).
	Resolution float64
	// Steady is the chain's steady state (Markov.SteadyState), as computed;
	// SteadyShares[i] is π_i in percent rounded to Resolution, nil without a
	// unique steady state.
	Steady       SteadyState
	SteadyShares []*float64
	// NoData lists the networks whose chain row was empty (Markov.NoData).
	NoData []string
	// Forecast is the k-period forecast from the shares at To
	// (Switching.Shares), steps 0…k, in percent rounded to Resolution;
	// empty when nobody was on a network at To.
	Forecast [][]float64
}

// Disclose applies the privacy policy to s with threshold minCount (see
// Table) and a forecast k periods ahead (k ≥ 0).
func (s *Switching) Disclose(minCount uint64, k int) Disclosure {
	d := Disclosure{SwitchingTable: s.Table(minCount)}
	n := len(s.Networks)
	hidden := func(i, j int) bool { return d.Cells[i][j].Suppressed }
	d.Diversion = square[*float64](n + 1)
	for i := range n + 1 {
		for j := range n + 1 {
			if i != j && s.Diversion[i] != nil && !hidden(i, i) && !hidden(i, j) {
				d.Diversion[i][j] = &s.Diversion[i][j]
			}
		}
	}
	if d.Suppressed > 0 && s.Users > 0 {
		d.Resolution = resolution(minCount, s.Users)
	}
	m := s.Markov()
	d.Steady, d.NoData = m.SteadyState(), m.NoData
	d.Retention, d.SteadyShares = make([]*float64, n), make([]*float64, n)
	for i := range n {
		if !hidden(i, i) {
			d.Retention[i] = s.Retention[i]
		}
		if d.Steady.Unique {
			d.SteadyShares[i] = ptr(roundTo(d.Steady.Pi[i]*100, d.Resolution))
		}
	}
	if s0 := s.Shares(); s0 != nil {
		steps, err := m.Forecast(s0, k)
		if err == nil { // s0 is valid by construction; k < 0 forecasts nothing
			for _, v := range steps {
				for i := range v {
					v[i] = roundTo(v[i], d.Resolution)
				}
			}
			d.Forecast = steps
		}
	}
	return d
}

// resolution is the rounding step, in percentage points, that keeps a
// suppressed cell out of reach of the steady state and forecast: a power
// of ten at least as large as minCount users' worth of the panel.
func resolution(minCount, users uint64) float64 {
	if minCount <= 1 || users == 0 {
		return 0
	}
	return math.Pow(10, math.Ceil(math.Log10(float64(minCount)*100/float64(users))))
}

// roundTo rounds v to a multiple of step (a power of ten; 0: unchanged),
// printed without binary noise (0.30000000000000004 becomes 0.3).
func roundTo(v, step float64) float64 {
	if step <= 0 {
		return v
	}
	decimals := max(0, int(-math.Round(math.Log10(step))))
	r, _ := strconv.ParseFloat(strconv.FormatFloat(math.Round(v/step)*step, 'f', decimals, 64), 64)
	return r
}
