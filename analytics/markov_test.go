package analytics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The chain of the golden 3×3 matrix (switching_test.go) drops entrants and
// leavers and renormalises the network-to-network rows:
//
//	a: 80, 10, 10 of 100  → Q_a = (.8, .1, .1)
//	b: 40, 140, 20 of 200 → Q_b = (.2, .7, .1)
//	c: 20, 20, 60 of 100  → Q_c = (.2, .2, .6)
//
// Steady state π = πQ, πa + πb + πc = 1:
//
//	πa = .8πa + .2πb + .2πc  ⇒ .2πa = .2(πb + πc) ⇒ πa = πb + πc ⇒ πa = 1/2
//	πc = .1πa + .1πb + .6πc  ⇒ .4πc = .05 + .1πb, and πb = .5 − πc
//	                         ⇒ .4πc = .05 + .05 − .1πc ⇒ .5πc = .1 ⇒ πc = .2
//	πb = .5 − .2 = .3
//	check πb: .1(.5) + .7(.3) + .2(.2) = .05 + .21 + .04 = .30 ✓
//
// so π = (.5, .3, .2).
//
// Forecast from the February primaries a 145, b 185, c 100 (of 430):
//
//	one period:  a 145(.8) + 185(.2) + 100(.2) = 116 + 37 + 20 = 173
//	             b 145(.1) + 185(.7) + 100(.2) = 14.5 + 129.5 + 20 = 164
//	             c 145(.1) + 185(.1) + 100(.6) = 14.5 + 18.5 + 60 = 93
//	two periods: a 173(.8) + 164(.2) + 93(.2) = 138.4 + 32.8 + 18.6 = 189.8
//	             b 17.3 + 114.8 + 18.6 = 150.7;  c 17.3 + 16.4 + 55.8 = 89.5
//
// in percent of 430.
func TestMarkovGolden(t *testing.T) {
	s := goldenSwitching(t)
	m := s.Markov()
	wantQ := [][]float64{{.8, .1, .1}, {.2, .7, .1}, {.2, .2, .6}}
	for i := range wantQ {
		for j := range wantQ[i] {
			near(t, "Q", m.Q[i][j], wantQ[i][j], 1e-15)
		}
	}
	if len(m.NoData) != 0 {
		t.Errorf("no-data networks %v", m.NoData)
	}
	st := m.SteadyState()
	if !st.Unique || len(st.Classes) != 1 || len(st.Transient) != 0 {
		t.Fatalf("steady state %+v", st)
	}
	for i, w := range []float64{.5, .3, .2} {
		near(t, "π_"+m.Networks[i], st.Pi[i], w, 1e-12)
	}
	if st.Residual > 1e-12 {
		t.Errorf("residual %g", st.Residual)
	}
	shares := s.Shares()
	for i, w := range []float64{145, 185, 100} {
		near(t, "share", shares[i], w/430*100, 1e-12)
	}
	fc, err := m.Forecast(shares, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{145, 185, 100}, {173, 164, 93}, {189.8, 150.7, 89.5}}
	for k := range want {
		for i := range want[k] {
			near(t, "forecast", fc[k][i], want[k][i]/430*100, 1e-9)
		}
	}
}

func TestSteadyStateShapes(t *testing.T) {
	cases := []struct {
		name      string
		q         [][]float64
		unique    bool
		pi        []float64
		classes   [][]string
		transient []string
	}{
		{
			// Users swap networks every period: periodic, so power iteration
			// would oscillate forever; π = (.5, .5) still exists.
			name: "periodic", q: [][]float64{{0, 1}, {1, 0}},
			unique: true, pi: []float64{.5, .5}, classes: [][]string{{"a", "b"}},
		},
		{
			// b absorbs everyone from a: a is transient, π = (0, 1).
			name: "absorbing", q: [][]float64{{.5, .5}, {0, 1}},
			unique: true, pi: []float64{0, 1}, classes: [][]string{{"b"}}, transient: []string{"a"},
		},
		{
			// a and c both absorb; b splits between them: no unique steady state.
			name: "two absorbing", q: [][]float64{{1, 0, 0}, {.3, .4, .3}, {0, 0, 1}},
			unique: false, classes: [][]string{{"a"}, {"c"}}, transient: []string{"b"},
		},
		{
			// Closed class {b, c} with a transient a feeding it:
			// within {b,c}: πb = .5πb + .5πc ⇒ πb = πc = .5.
			name: "transient feeder", q: [][]float64{{.9, .1, 0}, {0, .5, .5}, {0, .5, .5}},
			unique: true, pi: []float64{0, .5, .5}, classes: [][]string{{"b", "c"}}, transient: []string{"a"},
		},
		{
			name: "one network", q: [][]float64{{1}},
			unique: true, pi: []float64{1}, classes: [][]string{{"a"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nets := []string{"a", "b", "c"}[:len(tc.q)]
			m, err := NewMarkov(nets, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			st := m.SteadyState()
			if st.Unique != tc.unique {
				t.Fatalf("unique = %v, want %v (%+v)", st.Unique, tc.unique, st)
			}
			if !slices.EqualFunc(st.Classes, tc.classes, slices.Equal) || !slices.Equal(st.Transient, tc.transient) {
				t.Errorf("classes %v transient %v, want %v %v", st.Classes, st.Transient, tc.classes, tc.transient)
			}
			if !tc.unique {
				if st.Pi != nil {
					t.Errorf("π = %v for a chain without a unique steady state", st.Pi)
				}
				return
			}
			for i := range tc.pi {
				near(t, "π", st.Pi[i], tc.pi[i], 1e-12)
			}
		})
	}
}

// A network with no users staying in the panel (here c: only entrants at
// p+1) gives no evidence where its users go: it keeps them (Q_cc = 1) and
// is reported in NoData.
func TestMarkovNoData(t *testing.T) {
	counts := []TransitionCount{
		{date(2011, 1, 1), "a", "a", 9}, {date(2011, 1, 1), "a", "b", 1},
		{date(2011, 1, 1), "b", "b", 9}, {date(2011, 1, 1), "b", "a", 1},
		{date(2011, 1, 1), "", "c", 5},
	}
	ss, err := SwitchingFromCounts(switchFilter, counts)
	if err != nil {
		t.Fatal(err)
	}
	m := ss[0].Markov()
	if !slices.Equal(m.NoData, []string{"c"}) || m.Q[2][2] != 1 {
		t.Fatalf("NoData %v, Q %v", m.NoData, m.Q)
	}
	// {a, b} and {c} are both closed: no unique steady state.
	if st := m.SteadyState(); st.Unique || len(st.Classes) != 2 {
		t.Errorf("steady state %+v", st)
	}
	if ss[0].P[2] != nil || ss[0].Retention[2] != nil {
		t.Errorf("c had no users at p: its P row and retention must be missing")
	}
}

func TestMarkovInvalid(t *testing.T) {
	_, err := NewMarkov([]string{"a", "b"}, [][]float64{{.5, .4}, {0, 1}})
	wantInvalid(t, err, "matrix")
	_, err = NewMarkov([]string{"a"}, [][]float64{{1}, {1}})
	wantInvalid(t, err, "matrix")
	_, err = NewMarkov([]string{"a", "b"}, [][]float64{{1.5, -.5}, {0, 1}})
	wantInvalid(t, err, "matrix")
	m, _ := NewMarkov([]string{"a"}, [][]float64{{1}})
	_, err = m.Forecast([]float64{1}, -1)
	wantInvalid(t, err, "periods")
	_, err = m.Forecast([]float64{1, 2}, 1)
	wantInvalid(t, err, "shares")
}

// Property: whenever a switching matrix has a unique steady state, π is a
// distribution (every π_i ≥ 0, Σπ = 1) and a fixed point (‖πQ − π‖∞ < 1e-9);
// forecasts keep their total.
func TestSteadyStateProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	uniques := 0
	for iter := range 2000 {
		n := 1 + rng.IntN(12)
		var counts []TransitionCount
		for i := range n + 1 {
			for j := range n + 1 {
				if (i == n && j == n) || rng.IntN(3) == 0 {
					continue // sparse: reducible and periodic chains happen
				}
				from, to := string(rune('a'+i)), string(rune('a'+j))
				if i == n {
					from = ""
				}
				if j == n {
					to = ""
				}
				users := uint64(rng.IntN(1000))
				if rng.IntN(8) == 0 {
					users = uint64(rng.IntN(10_000_000)) // 10M-user scale rows
				}
				counts = append(counts, TransitionCount{date(2011, 1, 1), from, to, users})
			}
		}
		ss, err := SwitchingFromCounts(switchFilter, counts)
		if err != nil {
			t.Fatal(err)
		}
		if len(ss) == 0 {
			continue
		}
		m := ss[0].Markov()
		st := m.SteadyState()
		if !st.Unique {
			if len(st.Classes) < 2 {
				t.Fatalf("iteration %d: not unique with %d closed classes", iter, len(st.Classes))
			}
			continue
		}
		uniques++
		var sum float64
		for _, p := range st.Pi {
			if p < 0 || math.IsNaN(p) {
				t.Fatalf("iteration %d: π has %v", iter, p)
			}
			sum += p
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("iteration %d: Σπ = %.15f", iter, sum)
		}
		if r := residual(m.Q, st.Pi); r >= 1e-9 {
			t.Fatalf("iteration %d: ‖πQ − π‖ = %g", iter, r)
		}
		s0 := make([]float64, len(m.Networks))
		for i := range s0 {
			s0[i] = rng.Float64()
		}
		fc, err := m.Forecast(s0, 5)
		if err != nil {
			t.Fatal(err)
		}
		var t0, t5 float64
		for i := range s0 {
			t0 += fc[0][i]
			t5 += fc[5][i]
		}
		if math.Abs(t0-t5) > 1e-9 {
			t.Fatalf("iteration %d: forecast total %v → %v", iter, t0, t5)
		}
	}
	if uniques < 200 {
		t.Fatalf("only %d chains with a unique steady state: the generator is off", uniques)
	}
}
