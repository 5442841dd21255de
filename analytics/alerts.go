package analytics

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
)

// RuleKind is what an alert rule watches.
type RuleKind string

const (
	// RuleThreshold fires when a series has satisfied "value op threshold"
	// continuously for at least For.
	RuleThreshold RuleKind = "threshold"
	// RuleWeekOverWeek fires when a series drops below DropBelow × or
	// spikes above SpikeAbove × its value in the same hour a week earlier.
	RuleWeekOverWeek RuleKind = "week_over_week"
	// RuleStale fires when a collector's last successful run is older than
	// Intervals × its schedule interval.
	RuleStale RuleKind = "stale"
	// RuleShareShift fires when a network's share moved by more than Points
	// percentage points between two periods.
	RuleShareShift RuleKind = "share_shift"
)

// Op compares a value with a threshold.
type Op string

const (
	OpGT Op = ">"
	OpGE Op = ">="
	OpLT Op = "<"
	OpLE Op = "<="
)

func (o Op) holds(v, threshold float64) bool {
	switch o {
	case OpGT:
		return v > threshold
	case OpGE:
		return v >= threshold
	case OpLT:
		return v < threshold
	case OpLE:
		return v <= threshold
	}
	return false
}

// Rule is one alert rule from configuration. Only the fields of its Kind
// apply; Validate rejects the others, so a misplaced key is not silently
// ignored. The series a rule may name are listed with CheckSeries; the
// alert runner (dashboard/alerting) fetches their values and keeps the
// states; this package only evaluates.
type Rule struct {
	// Name identifies the rule in events and the UI: letters, digits, _ . -.
	Name string   `yaml:"name"`
	Kind RuleKind `yaml:"kind"`

	// Series names the watched series for threshold and week_over_week
	// rules (e.g. "bridge.failure_ratio", "usage.messages"); Labels narrow
	// it (bridge, route, network, segment...).
	Series string            `yaml:"series"`
	Labels map[string]string `yaml:"labels"`

	// Threshold rules: fire when value Op Threshold held for at least For
	// (0 fires on the first sample that satisfies it).
	Op        Op            `yaml:"op"`
	Threshold float64       `yaml:"threshold"`
	For       time.Duration `yaml:"for"`

	// Week-over-week rules: ratio = this hour / same hour last week; fire
	// when ratio < DropBelow (0 < DropBelow < 1) or ratio > SpikeAbove
	// (> 1); at least one must be set. Hours whose baseline is below
	// MinBaseline are not judged (too little traffic to call a drop).
	DropBelow   float64 `yaml:"drop_below"`
	SpikeAbove  float64 `yaml:"spike_above"`
	MinBaseline float64 `yaml:"min_baseline"`

	// Stale rules: fire when the collector's last successful run is older
	// than Intervals × its schedule interval.
	Collector string `yaml:"collector"`
	Intervals int    `yaml:"intervals"`

	// Share-shift rules: fire when Network's share moved by more than
	// Points percentage points between two periods, in Direction "up",
	// "down" or "either" ("" means either).
	Network   string  `yaml:"network"`
	Points    float64 `yaml:"points"`
	Direction string  `yaml:"direction"`
}

var ruleNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// Validate checks r and returns every problem at once (errors.Join of
// *imscope.InvalidError), each naming the rule's YAML key at fault, so a
// config loader can prefix the rule's path and line.
func (r Rule) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) { errs = append(errs, invalid(key, format, args...)) }
	if !ruleNameRE.MatchString(r.Name) {
		bad("name", "%q is not a rule name (letters, digits, _ . -)", r.Name)
	}
	var used []string // the keys the kind reads; a set key outside it is an error
	switch r.Kind {
	case RuleThreshold:
		used = r.checkThreshold(bad)
	case RuleWeekOverWeek:
		used = r.checkWeekOverWeek(bad)
	case RuleStale:
		used = r.checkStale(bad)
	case RuleShareShift:
		used = r.checkShareShift(bad)
	default:
		bad("kind", "%q is not one of threshold, week_over_week, stale, share_shift", r.Kind)
		return errors.Join(errs...)
	}
	r.checkUnused(used, bad)
	return errors.Join(errs...)
}

// complain reports a problem with one of a rule's keys.
type complain func(key, format string, args ...any)

func (r Rule) checkThreshold(bad complain) []string {
	if r.Series == "" {
		bad("series", "a threshold rule needs the series it watches")
	}
	switch r.Op {
	case OpGT, OpGE, OpLT, OpLE:
	default:
		bad("op", "%q is not one of >, >=, <, <=", r.Op)
	}
	if !finite(r.Threshold) {
		bad("threshold", "%v is not a number", r.Threshold)
	}
	if r.For < 0 {
		bad("for", "must not be negative, not %s", r.For)
	}
	return []string{"series", "labels", "op", "threshold", "for"}
}

func (r Rule) checkWeekOverWeek(bad complain) []string {
	if r.Series == "" {
		bad("series", "a week_over_week rule needs the series it watches")
	}
	if r.DropBelow == 0 && r.SpikeAbove == 0 {
		bad("drop_below", "set drop_below (e.g. 0.5), spike_above (e.g. 2), or both")
	}
	if r.DropBelow != 0 && !(r.DropBelow > 0 && r.DropBelow < 1) {
		bad("drop_below", "%v is not a ratio between 0 and 1", r.DropBelow)
	}
	if r.SpikeAbove != 0 && !(r.SpikeAbove > 1 && finite(r.SpikeAbove)) {
		bad("spike_above", "%v is not a ratio above 1", r.SpikeAbove)
	}
	if !finite(r.MinBaseline) || r.MinBaseline < 0 {
		bad("min_baseline", "%v is not a non-negative number", r.MinBaseline)
	}
	return []string{"series", "labels", "drop_below", "spike_above", "min_baseline"}
}

func (r Rule) checkStale(bad complain) []string {
	if r.Collector == "" {
		bad("collector", "a stale rule needs the collector it watches")
	}
	if r.Intervals < 1 {
		bad("intervals", "must be at least 1, not %d", r.Intervals)
	}
	return []string{"collector", "intervals"}
}

func (r Rule) checkShareShift(bad complain) []string {
	if r.Network == "" {
		bad("network", "a share_shift rule needs the network it watches")
	}
	if !finite(r.Points) || r.Points <= 0 || r.Points > 100 {
		bad("points", "%v is not a number of percentage points in (0, 100]", r.Points)
	}
	switch r.Direction {
	case "", "up", "down", "either":
	default:
		bad("direction", "%q is not one of up, down, either", r.Direction)
	}
	return []string{"network", "points", "direction", "labels"}
}

// checkUnused rejects keys set that the rule's kind does not read, so a
// misplaced key is not silently ignored.
func (r Rule) checkUnused(used []string, bad complain) {
	set := map[string]bool{
		"series": r.Series != "", "labels": len(r.Labels) > 0,
		"op": r.Op != "", "threshold": r.Threshold != 0, "for": r.For != 0,
		"drop_below": r.DropBelow != 0, "spike_above": r.SpikeAbove != 0, "min_baseline": r.MinBaseline != 0,
		"collector": r.Collector != "", "intervals": r.Intervals != 0,
		"network": r.Network != "", "points": r.Points != 0, "direction": r.Direction != "",
	}
	for _, key := range []string{"series", "labels", "op", "threshold", "for", "drop_below", "spike_above",
		"min_baseline", "collector", "intervals", "network", "points", "direction"} {
		if set[key] && !contains(used, key) {
			bad(key, "is not used by %s rules", r.Kind)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Point is one sample of a series.
type Point struct {
	TS    time.Time
	Value float64
}

// AlertInputs are the values a rule is evaluated on; each kind reads its own.
// A nil or zero input means "no data": the rule keeps its previous state.
type AlertInputs struct {
	// Series (threshold): the series, oldest first, reaching back at least
	// For before now so a long enough run can be seen. Points after now
	// are ignored.
	Series []Point
	// Current and LastWeek (week_over_week): the series over the latest
	// complete hour and over the same hour seven days earlier.
	Current, LastWeek *float64
	// LastSuccess (stale): the end of the collector's last successful run;
	// zero if it never succeeded. Watching is when monitoring began (the
	// collector was configured or the server started), the reference when
	// it never succeeded. Interval is the collector's schedule interval.
	LastSuccess, Watching time.Time
	Interval              time.Duration
	// ShareBefore and ShareAfter (share_shift): the network's share in the
	// earlier and the later period, in percent.
	ShareBefore, ShareAfter *float64
}

// AlertState is a rule's state between evaluations; the zero value is
// "not firing, never evaluated". The alert runner stores it.
type AlertState struct {
	Firing bool
	Since  time.Time // when the current state began; zero before any transition
	Value  float64   // the value behind the latest evaluation with data
}

// AlertEvent is a state transition, to store and deliver.
type AlertEvent struct {
	Rule    string
	Kind    RuleKind
	Firing  bool // true: started firing; false: resolved
	At      time.Time
	Value   float64
	Message string
}

// Evaluate evaluates rule at now on its inputs, given its previous state,
// and returns the new state and, when the state changed, the event to
// record: a rule fires once, stays firing (no further events) while its
// condition holds, and resolves once when it stops holding. Without data
// the state is kept. Conditions, with v the evaluated value:
//
//   - threshold: the latest point at or before now satisfies v op
//     threshold, and so has every point since t0, where t0 is the first
//     point of that unbroken run; fires when latest.TS − t0 ≥ For. A gap
//     between points does not break a run, a point that fails does. Once
//     firing it resolves as soon as the latest point fails. v = latest value.
//   - week_over_week: v = Current / LastWeek; fires when v < DropBelow or
//     v > SpikeAbove. Not judged when LastWeek ≤ 0 or < MinBaseline.
//   - stale: v = now − LastSuccess (or − Watching if it never succeeded),
//     in seconds; fires when v > Intervals × Interval.
//   - share_shift: v = ShareAfter − ShareBefore, in points; fires when
//     v > Points (up), −v > Points (down) or |v| > Points (either).
func Evaluate(rule Rule, in AlertInputs, prev AlertState, now time.Time) (AlertState, *AlertEvent, error) {
	if err := rule.Validate(); err != nil {
		return prev, nil, err
	}
	r, err := judge(rule, in, prev, now)
	if err != nil {
		return prev, nil, err
	}
	if !r.known {
		return prev, nil, nil
	}
	return transition(rule, r, prev, now)
}

// reading is what one evaluation found: whether there was data to judge
// (known), the evaluated value v, whether the rule fires, and why.
type reading struct {
	known, firing bool
	v             float64
	msg           string
}

// judge evaluates rule's condition on its inputs (see Evaluate).
func judge(rule Rule, in AlertInputs, prev AlertState, now time.Time) (reading, error) {
	switch rule.Kind {
	case RuleThreshold:
		return judgeThreshold(rule, in.Series, prev, now)
	case RuleWeekOverWeek:
		return judgeWeekOverWeek(rule, in.Current, in.LastWeek)
	case RuleStale:
		return judgeStale(rule, in, now)
	case RuleShareShift:
		return judgeShareShift(rule, in.ShareBefore, in.ShareAfter)
	}
	return reading{}, nil
}

// judgeThreshold: the latest point at or before now satisfies the
// threshold, and has for the unbroken run of points before it that do.
func judgeThreshold(rule Rule, series []Point, prev AlertState, now time.Time) (reading, error) {
	last := -1
	for i, p := range series {
		if !finite(p.Value) {
			return reading{}, invalid("series", "point %d: %v is not a number", i, p.Value)
		}
		if i > 0 && p.TS.Before(series[i-1].TS) {
			return reading{}, invalid("series", "point %d is older than point %d: points must be oldest first", i, i-1)
		}
		if !p.TS.After(now) {
			last = i
		}
	}
	if last < 0 {
		return reading{}, nil
	}
	r := reading{known: true, v: series[last].Value}
	if !rule.Op.holds(r.v, rule.Threshold) {
		r.msg = fmt.Sprintf("%s back to %s (not %s %s)", rule.Series, fmtNum(r.v), rule.Op, fmtNum(rule.Threshold))
		return r, nil
	}
	start := last
	for start > 0 && rule.Op.holds(series[start-1].Value, rule.Threshold) {
		start--
	}
	held := series[last].TS.Sub(series[start].TS)
	r.firing = prev.Firing || held >= rule.For
	r.msg = fmt.Sprintf("%s %s %s for %s (now %s)", rule.Series, rule.Op, fmtNum(rule.Threshold), held, fmtNum(r.v))
	return r, nil
}

// judgeWeekOverWeek: this hour against the same hour a week earlier.
func judgeWeekOverWeek(rule Rule, current, lastWeek *float64) (reading, error) {
	cur, base, ok, err := both("series", "current", current, "last week", lastWeek)
	if !ok || err != nil {
		return reading{}, err
	}
	if base <= 0 || base < rule.MinBaseline {
		return reading{}, nil
	}
	r := reading{known: true, v: cur / base}
	drop := rule.DropBelow > 0 && r.v < rule.DropBelow
	spike := rule.SpikeAbove > 0 && r.v > rule.SpikeAbove
	r.firing = drop || spike
	r.msg = fmt.Sprintf("%s at %s× the same hour last week (%s vs %s)", rule.Series, fmtNum(r.v), fmtNum(cur), fmtNum(base))
	return r, nil
}

// judgeStale: the age of the collector's last success against its limit.
func judgeStale(rule Rule, in AlertInputs, now time.Time) (reading, error) {
	if in.Interval <= 0 {
		return reading{}, invalid("interval", "the collector's schedule interval must be positive, not %s", in.Interval)
	}
	ref := in.LastSuccess
	if ref.IsZero() {
		ref = in.Watching
	}
	if ref.IsZero() {
		return reading{}, nil
	}
	age := now.Sub(ref)
	limit := time.Duration(rule.Intervals) * in.Interval
	r := reading{known: true, v: age.Seconds(), firing: age > limit}
	if in.LastSuccess.IsZero() {
		r.msg = fmt.Sprintf("collector %s has not succeeded in %s (limit %s)", rule.Collector, age.Round(time.Second), limit)
	} else {
		r.msg = fmt.Sprintf("collector %s last succeeded %s ago (limit %s)", rule.Collector, age.Round(time.Second), limit)
	}
	return r, nil
}

// judgeShareShift: the network's move in points against the limit.
func judgeShareShift(rule Rule, shareBefore, shareAfter *float64) (reading, error) {
	before, after, ok, err := both("shares", "before", shareBefore, "after", shareAfter)
	if !ok || err != nil {
		return reading{}, err
	}
	r := reading{known: true, v: after - before}
	switch rule.Direction {
	case "up":
		r.firing = r.v > rule.Points
	case "down":
		r.firing = -r.v > rule.Points
	default:
		r.firing = math.Abs(r.v) > rule.Points
	}
	r.msg = fmt.Sprintf("%s share moved %+.2f points (%.2f%% → %.2f%%; limit %s)", rule.Network, r.v, before, after, fmtNum(rule.Points))
	return r, nil
}

// both reads a pair of optional inputs: ok is false when either is missing
// (no data to judge), and an error names param when either is not a number.
func both(param, nameA string, a *float64, nameB string, b *float64) (x, y float64, ok bool, err error) {
	if a == nil || b == nil {
		return 0, 0, false, nil
	}
	x, y = *a, *b
	if !finite(x) || !finite(y) {
		return x, y, false, invalid(param, "%s %v and %s %v must be numbers", nameA, x, nameB, y)
	}
	return x, y, true, nil
}

// transition turns a reading into the rule's next state and, when the
// state changed, the event that records it.
func transition(rule Rule, r reading, prev AlertState, now time.Time) (AlertState, *AlertEvent, error) {
	next := AlertState{Firing: r.firing, Since: prev.Since, Value: r.v}
	if r.firing == prev.Firing {
		return next, nil, nil
	}
	next.Since = now
	verb := "resolved"
	if r.firing {
		verb = "firing"
	}
	ev := &AlertEvent{Rule: rule.Name, Kind: rule.Kind, Firing: r.firing, At: now, Value: r.v,
		Message: strings.TrimSpace(fmt.Sprintf("%s %s: %s", rule.Name, verb, r.msg))}
	return next, ev, nil
}

// fmtNum prints a number briefly: 0.05, 120, 1.5e+06.
func fmtNum(v float64) string { return fmt.Sprintf("%g", v) }
