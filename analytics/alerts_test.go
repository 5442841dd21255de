package analytics

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestRuleValidate(t *testing.T) {
	good := Rule{Name: "qq-bridge-failures", Kind: RuleThreshold, Series: "bridge.failure_ratio",
		Labels: map[string]string{"bridge": "mx-qq"}, Op: OpGT, Threshold: 0.05, For: 10 * time.Minute}
	if err := good.Validate(); err != nil {
		t.Fatalf("good rule: %v", err)
	}
	for _, r := range []Rule{
		{Name: "wow", Kind: RuleWeekOverWeek, Series: "usage.messages", DropBelow: 0.5, SpikeAbove: 2, MinBaseline: 100},
		{Name: "stale", Kind: RuleStale, Collector: "qq-scrape", Intervals: 3},
		{Name: "shift", Kind: RuleShareShift, Network: "qq", Points: 5, Direction: "down"},
	} {
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
	}
	cases := []struct {
		name   string
		rule   Rule
		params []string
	}{
		{"bad name", Rule{Name: "has space", Kind: RuleStale, Collector: "c", Intervals: 1}, []string{"name"}},
		{"unknown kind", Rule{Name: "x", Kind: "sometimes"}, []string{"kind"}},
		{"threshold without series or op", Rule{Name: "x", Kind: RuleThreshold}, []string{"series", "op"}},
		{"negative for", Rule{Name: "x", Kind: RuleThreshold, Series: "s", Op: OpLT, For: -time.Second}, []string{"for"}},
		{"week over week without ratios", Rule{Name: "x", Kind: RuleWeekOverWeek, Series: "s"}, []string{"drop_below"}},
		{"drop ratio above 1", Rule{Name: "x", Kind: RuleWeekOverWeek, Series: "s", DropBelow: 1.5}, []string{"drop_below"}},
		{"spike ratio below 1", Rule{Name: "x", Kind: RuleWeekOverWeek, Series: "s", SpikeAbove: 0.5}, []string{"spike_above"}},
		{"stale with zero intervals", Rule{Name: "x", Kind: RuleStale, Collector: "c"}, []string{"intervals"}},
		{"shift without points", Rule{Name: "x", Kind: RuleShareShift, Network: "qq", Direction: "sideways"}, []string{"points", "direction"}},
		{"key of another kind", Rule{Name: "x", Kind: RuleStale, Collector: "c", Intervals: 2, For: time.Minute, Op: OpGT}, []string{"for", "op"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rule.Validate()
			for _, p := range tc.params {
				wantInvalid(t, err, p)
			}
		})
	}
}

type step struct {
	name    string
	in      AlertInputs
	firing  bool
	event   bool // a transition is reported
	unknown bool // no data: state kept, value unchanged
}

// runSteps evaluates the steps in order, threading the state through.
func runSteps(t *testing.T, rule Rule, now time.Time, steps []step) {
	t.Helper()
	var st AlertState
	for _, s := range steps {
		next, ev, err := Evaluate(rule, s.in, st, now)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if next.Firing != s.firing || (ev != nil) != s.event {
			t.Fatalf("%s: firing %v, event %v; want firing %v, event %v", s.name, next.Firing, ev, s.firing, s.event)
		}
		if ev != nil && (ev.Firing != s.firing || ev.Rule != rule.Name || !ev.At.Equal(now) || !next.Since.Equal(now) || ev.Message == "") {
			t.Errorf("%s: event %+v, state %+v", s.name, ev, next)
		}
		if s.unknown && next != st {
			t.Errorf("%s: no data, but state changed from %+v to %+v", s.name, st, next)
		}
		st = next
	}
}

// series returns one point a minute ending at now, oldest first.
func series(now time.Time, values ...float64) []Point {
	out := make([]Point, len(values))
	for i, v := range values {
		out[i] = Point{now.Add(-time.Duration(len(values)-1-i) * time.Minute), v}
	}
	return out
}

func TestEvaluateThreshold(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	rule := Rule{Name: "fail", Kind: RuleThreshold, Series: "bridge.failure_ratio", Op: OpGT, Threshold: 0.05, For: 10 * time.Minute}
	bad10 := series(now, .1, .1, .1, .1, .1, .1, .1, .1, .1, .1)       // 10 points: 9 minutes held
	bad11 := series(now, .1, .1, .1, .1, .1, .1, .1, .1, .1, .1, .1)   // 11 points: 10 minutes held
	broken := series(now, .1, .1, .1, .1, .1, .01, .1, .1, .1, .1, .1) // a good point 5 minutes ago: 5 minutes held
	runSteps(t, rule, now, []step{
		{name: "no data", in: AlertInputs{}, unknown: true},
		{name: "9 minutes over", in: AlertInputs{Series: bad10}},
		{name: "10 minutes over: fires", in: AlertInputs{Series: bad11}, firing: true, event: true},
		{name: "still over: stays firing, no event", in: AlertInputs{Series: bad11}, firing: true},
		{name: "run broken but latest over: stays firing", in: AlertInputs{Series: broken}, firing: true},
		{name: "no data while firing", in: AlertInputs{}, firing: true, unknown: true},
		{name: "back under: resolves", in: AlertInputs{Series: series(now, .1, .01)}, event: true},
		{name: "still under", in: AlertInputs{Series: series(now, .01)}},
		{name: "a run broken 5 minutes ago does not fire", in: AlertInputs{Series: broken}},
		// A gap does not break a run: two bad points 10 minutes apart.
		{name: "gap", in: AlertInputs{Series: []Point{{now.Add(-10 * time.Minute), .2}, {now, .2}}}, firing: true, event: true},
	})
	// Points after now are ignored.
	future := append(series(now, .01), Point{now.Add(time.Minute), .9})
	if st, ev, _ := Evaluate(rule, AlertInputs{Series: future}, AlertState{}, now); st.Firing || ev != nil || st.Value != .01 {
		t.Errorf("future point counted: %+v", st)
	}
	// For 0 fires on the first bad point.
	zero := rule
	zero.For = 0
	if st, ev, _ := Evaluate(zero, AlertInputs{Series: series(now, .2)}, AlertState{}, now); !st.Firing || ev == nil {
		t.Error("for 0 did not fire at once")
	}
	_, _, err := Evaluate(rule, AlertInputs{Series: []Point{{now, 1}, {now.Add(-time.Minute), 1}}}, AlertState{}, now)
	wantInvalid(t, err, "series")
	_, _, err = Evaluate(Rule{Name: "x", Kind: RuleThreshold}, AlertInputs{}, AlertState{}, now)
	wantInvalid(t, err, "op")
}

func TestEvaluateWeekOverWeek(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	rule := Rule{Name: "traffic", Kind: RuleWeekOverWeek, Series: "bridge.messages", DropBelow: 0.5, SpikeAbove: 2, MinBaseline: 100}
	in := func(cur, last float64) AlertInputs { return AlertInputs{Current: &cur, LastWeek: &last} }
	runSteps(t, rule, now, []step{
		{name: "0.6× last week", in: in(60, 100)},
		{name: "0.4× last week: drop fires", in: in(40, 100), firing: true, event: true},
		{name: "baseline under min_baseline: not judged", in: in(1, 50), firing: true, unknown: true},
		{name: "one input missing", in: AlertInputs{Current: f64(1)}, firing: true, unknown: true},
		{name: "back to 1×: resolves", in: in(100, 100), event: true},
		{name: "2.5× last week: spike fires", in: in(250, 100), firing: true, event: true},
		{name: "exactly 2×: not above, resolves", in: in(200, 100), event: true},
	})
}

func TestEvaluateStale(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	rule := Rule{Name: "stale-qq", Kind: RuleStale, Collector: "qq-scrape", Intervals: 3}
	five := 5 * time.Minute
	runSteps(t, rule, now, []step{
		{name: "never ran, not watched", in: AlertInputs{Interval: five}, unknown: true},
		{name: "15 min ago = 3 intervals: not older", in: AlertInputs{LastSuccess: now.Add(-15 * time.Minute), Interval: five}},
		{name: "16 min ago: fires", in: AlertInputs{LastSuccess: now.Add(-16 * time.Minute), Interval: five}, firing: true, event: true},
		{name: "ran 1 min ago: resolves", in: AlertInputs{LastSuccess: now.Add(-time.Minute), Interval: five}, event: true},
		{name: "never succeeded, watched for 20 min: fires", in: AlertInputs{Watching: now.Add(-20 * time.Minute), Interval: five}, firing: true, event: true},
	})
	_, _, err := Evaluate(rule, AlertInputs{LastSuccess: now}, AlertState{}, now)
	wantInvalid(t, err, "interval")
}

func TestEvaluateShareShift(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	in := func(before, after float64) AlertInputs { return AlertInputs{ShareBefore: &before, ShareAfter: &after} }
	either := Rule{Name: "qq-shift", Kind: RuleShareShift, Network: "qq", Points: 5}
	runSteps(t, either, now, []step{
		{name: "+4 points", in: in(10, 14)},
		{name: "+6 points: fires", in: in(10, 16), firing: true, event: true},
		{name: "−6 points: still firing", in: in(10, 4), firing: true},
		{name: "exactly 5: not over, resolves", in: in(10, 15), event: true},
	})
	up := either
	up.Direction = "up"
	runSteps(t, up, now, []step{{name: "−6 ignored when watching rises", in: in(10, 4)}})
	down := either
	down.Direction = "down"
	runSteps(t, down, now, []step{{name: "−6 fires when watching falls", in: in(10, 4), firing: true, event: true}})
}

// Property: whatever the sequence of conditions, a rule fires once when its
// condition starts holding, stays firing without further events while it
// holds, and resolves once when it stops; events alternate firing,
// resolved, firing...
func TestAlertTransitionsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	rule := Rule{Name: "p", Kind: RuleThreshold, Series: "s", Op: OpGE, Threshold: 1}
	now := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for iter := range 500 {
		var st AlertState
		lastEvent := false // the last event's Firing; none yet counts as resolved
		for k := range 50 {
			now = now.Add(time.Minute)
			holds := rng.IntN(3) != 0
			v := 0.0
			if holds {
				v = 1
			}
			next, ev, err := Evaluate(rule, AlertInputs{Series: []Point{{now, v}}}, st, now)
			if err != nil {
				t.Fatal(err)
			}
			if next.Firing != holds {
				t.Fatalf("iteration %d step %d: firing %v while condition %v", iter, k, next.Firing, holds)
			}
			changed := st.Firing != holds
			if (ev != nil) != changed {
				t.Fatalf("iteration %d step %d: event %v for a change %v", iter, k, ev, changed)
			}
			if ev != nil {
				if ev.Firing == lastEvent {
					t.Fatalf("iteration %d step %d: two %v events in a row", iter, k, ev.Firing)
				}
				lastEvent = ev.Firing
			}
			st = next
		}
	}
}
