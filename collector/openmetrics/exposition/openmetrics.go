package exposition

import (
	"bytes"
	"math"
	"strings"
	"unicode/utf8"
)

// OpenMetrics 1.0, as expfmt reads it: every line must match the ABNF
// grammar of the specification (with quoted UTF-8 names), then the
// semantic rules apply — families are contiguous, metadata comes before
// samples, counters end in _total, the body ends with # EOF.

// omLine reads one line; it reports whether the line was a sample.
func (p *Parser) omLine(l []byte) (bool, error) {
	if len(l) > 0 && l[0] == '#' {
		if string(l) == "# EOF\n" || string(l) == "# EOF" {
			return false, p.omEOF()
		}
		return false, p.omDescriptor(l)
	}
	return true, p.omSample(l)
}

func (p *Parser) syntax(l []byte, i int) error {
	if i >= len(l) {
		return p.fail("syntax error at the end of the line")
	}
	return p.fail("syntax error at column %d: unexpected %q", i+1, l[i])
}

// omEOF ends the body: nothing may follow, and the last family is complete.
func (p *Parser) omEOF() error {
	end, err := p.lr.peekEnd()
	if err != nil {
		return err
	}
	if !end {
		p.line++
		return p.fail("unexpected data after # EOF")
	}
	p.done = true
	if c := p.cur; c != nil && c.hasSamples && !c.emitted {
		return p.emit(c)
	}
	return nil
}

// emit is a family complete: a counter series that had _created and no
// _total is an error.
func (p *Parser) emit(f *Family) error {
	f.emitted = true
	if f.Type == Counter && f.missing > 0 {
		return p.fail("counter %q has a series with _created and no _total value", f.name)
	}
	return nil
}

// omDescriptor reads a # TYPE, # HELP or # UNIT line: its grammar first
// (descriptorSyntax), then what it says of its family, which must not have
// had samples yet, nor the same kind of line before.
func (p *Parser) omDescriptor(l []byte) error {
	if len(l) < 8 || l[1] != ' ' || l[6] != ' ' {
		return p.syntax(l, 1)
	}
	kind := string(l[2:6])
	if kind != "TYPE" && kind != "HELP" && kind != "UNIT" {
		return p.syntax(l, 2)
	}
	name, i, err := p.omName(l, 7)
	if err != nil {
		return err
	}
	if i >= len(l) || l[i] != ' ' {
		return p.syntax(l, i)
	}
	value := l[i+1:]
	if len(value) == 0 || value[len(value)-1] != '\n' {
		return p.syntax(l, len(l))
	}
	value = value[:len(value)-1]
	if err := p.descriptorSyntax(l, kind, i+1, value); err != nil {
		return err
	}
	f, err := p.descriptorFamily(name)
	if err != nil {
		return err
	}
	switch kind {
	case "TYPE":
		return p.omType(f, value)
	case "HELP":
		return p.omHelp(f, value)
	}
	return p.omUnit(f, value)
}

// descriptorSyntax checks a metadata line's value, at start in l, against
// the grammar for its kind: a TYPE keyword, an escaped string of HELP text,
// a UNIT of name characters. Grammar errors come before the family's.
func (p *Parser) descriptorSyntax(l []byte, kind string, start int, value []byte) error {
	switch kind {
	case "TYPE":
		if _, ok := omTypes[string(value)]; !ok {
			return p.syntax(l, start)
		}
	case "HELP":
		if n, ok := escapedString(value); !ok || n != len(value) {
			return p.syntax(l, start+n)
		}
	case "UNIT":
		for j, c := range value {
			if !nameChar(c, true) {
				return p.syntax(l, start+j)
			}
		}
	}
	return nil
}

// omType sets f's type from a TYPE line whose keyword the grammar accepted:
// info and stateset are refused, as expfmt has no type for them.
func (p *Parser) omType(f *Family, value []byte) error {
	if f.hasType {
		return p.fail("second TYPE line for metric name %q", f.name)
	}
	t := omTypes[string(value)]
	if t < 0 {
		return p.fail("unsupported metric type %q", value)
	}
	f.Type, f.typeSet, f.hasType = Type(t), true, true
	p.version++
	return nil
}

// omHelp sets f's help from a HELP line's text, unescaped.
func (p *Parser) omHelp(f *Family, value []byte) error {
	if f.HasHelp {
		return p.fail("second HELP line for metric name %q", f.name)
	}
	if bytes.HasSuffix(value, []byte("\r")) {
		return p.fail("unexpected carriage return in HELP for metric %q", f.name)
	}
	setHelp(f, p.unescape(value))
	return nil
}

// omUnit sets f's unit from a UNIT line: an empty unit is none; any other
// must end f's name (after a '_'). The string is kept from one body to the
// next, so the same unit costs no allocation.
func (p *Parser) omUnit(f *Family, value []byte) error {
	if f.hasUnit {
		return p.fail("second UNIT line for metric name %q", f.name)
	}
	f.hasUnit = true
	if len(value) == 0 {
		return nil
	}
	if !strings.HasSuffix(f.name, "_"+string(value)) {
		return p.fail("unit %q not a suffix of metric %q", value, f.name)
	}
	if string(value) != f.unitCache {
		f.unitCache = string(value)
	}
	f.Unit = f.unitCache
	return nil
}

// omTypes are the TYPE keywords; -1: in the grammar but not supported.
var omTypes = map[string]int{
	"counter": int(Counter), "gauge": int(Gauge), "histogram": int(Histogram),
	"gaugehistogram": int(GaugeHistogram), "summary": int(Summary), "unknown": int(Untyped),
	"info": -1, "stateset": -1,
}

// descriptorFamily is the family a metadata line is about.
func (p *Parser) descriptorFamily(name []byte) (*Family, error) {
	if c := p.cur; c != nil && !c.emitted && c.name == string(name) {
		if c.hasSamples {
			return nil, p.fail("metadata for metric %q after samples", name)
		}
		return c, nil
	}
	if f := p.lookup(name); f != nil {
		if f.hasSamples {
			return nil, p.fail("metadata for metric %q after samples", name)
		}
		return f, nil
	}
	f := p.newFamily(name)
	if p.cur == nil || !p.cur.hasSamples {
		p.cur = f
	}
	return f, nil
}

// omSample reads a sample line.
func (p *Parser) omSample(l []byte) error {
	p.lbls, p.arena = p.lbls[:0], p.arena[:0]
	name, i, err := p.omSeries(l)
	if err != nil {
		return err
	}
	raw := l[:i]
	if i >= len(l) || l[i] != ' ' {
		return p.syntax(l, i)
	}
	vStart := i + 1
	i, ok := number(l, vStart)
	if !ok {
		return p.syntax(l, i)
	}
	value := l[vStart:i]
	var ts, exemplar []byte
	if i < len(l) && l[i] == ' ' && i+1 < len(l) && l[i+1] != '#' {
		start := i + 1
		if i, ok = realNumber(l, start); !ok {
			return p.syntax(l, i)
		}
		ts = l[start:i]
	}
	if i < len(l) && l[i] == ' ' {
		start := i
		if i, err = p.omExemplar(l, i); err != nil {
			return err
		}
		exemplar = l[start:i]
	}
	if i != len(l)-1 || l[i] != '\n' {
		return p.syntax(l, i)
	}

	// The family: a sample of another family completes the current one.
	if c := p.cur; c != nil && c.hasSamples && !c.emitted {
		if _, ok := match(c, name); !ok && c.name != string(name) {
			if err := p.emit(c); err != nil {
				return err
			}
		}
	}
	f, role, err := p.resolve(name)
	if err != nil {
		return err
	}
	s := &p.sample
	*s = Sample{Family: f, Role: role, Line: p.line, Raw: raw, Bound: nan, p: p}
	if s.Value, err = parseFloat(value); err != nil {
		return p.fail("invalid sample value %q: %v", value, err)
	}
	if ts != nil {
		t, err := parseFloat(ts)
		if err != nil || math.IsNaN(t) || math.IsInf(t, 0) {
			return p.fail("invalid timestamp %q", ts)
		}
		s.TimestampMs, s.HasTimestamp = int64(math.Round(t*1000)), true
	}
	if exemplar != nil {
		if err := p.checkExemplar(exemplar); err != nil {
			return err
		}
	}
	return p.omJoin(f, value, exemplar != nil)
}

// omJoin checks the sample's labels (omLabelSet) and value against its
// family and role, and joins it to its series: every gauge or unknown line
// starts one; a counter's _total and _created lines pair up (omCounter); a
// histogram's or summary's lines share the series of their label set
// (omGroup).
func (p *Parser) omJoin(f *Family, value []byte, exemplar bool) error {
	sig, err := p.omLabelSet(f)
	if err != nil {
		return err
	}
	switch f.Type {
	case Gauge, Untyped:
		if exemplar {
			return p.fail("exemplar not allowed on %s metric %q", f.Type, f.name)
		}
		p.sample.Series, p.sample.New = p.newSeries(), true
		return nil
	case Counter:
		return p.omCounter(f, sig, value, exemplar)
	}
	return p.omGroup(f, sig, value, exemplar)
}

// omLabelSet checks the line's labels — no __name__, no name twice — and
// reads the quantile of a quantile line or the le of a bucket into Bound;
// the other labels are the series'. It returns the series' signature:
// the family's name and those labels, in any order.
func (p *Parser) omLabelSet(f *Family) (uint64, error) {
	s := &p.sample
	sig := pairHash("__name__", f.name)
	for i := range p.lbls {
		t := &p.lbls[i]
		if string(t.name) == "__name__" {
			return 0, p.fail("label name %q is reserved", "__name__")
		}
		for _, u := range p.lbls[:i] {
			if string(u.name) == string(t.name) {
				return 0, p.fail("duplicate label %q for metric %q", t.name, f.name)
			}
		}
		switch {
		case s.Role == RoleQuantile && string(t.name) == "quantile":
			q, err := parseFloat(t.value)
			if err != nil || math.IsNaN(q) || q < 0 || q > 1 {
				return 0, p.fail("invalid quantile %q for summary %q", t.value, f.name)
			}
			s.Bound = q
		case s.Role == RoleBucket && string(t.name) == "le":
			le, err := parseFloat(t.value)
			if err != nil || math.IsNaN(le) {
				return 0, p.fail("invalid bucket bound %q for histogram %q", t.value, f.name)
			}
			s.Bound = le
		default:
			t.kept = true
			sig += pairHash(str(t.name), str(t.value))
		}
	}
	return sig, nil
}

// omCounter joins a counter's _total or _created line to its series: the
// other line of the pair with the same labels, when it has not had its own
// yet, or else a new series. f.missing counts the series with _created and
// no _total so far, which emit refuses when the family ends.
func (p *Parser) omCounter(f *Family, sig uint64, value []byte, exemplar bool) error {
	s := &p.sample
	key := groupKey{fam: f, sig: sig}
	g, ok := p.groups[key]
	if s.Role == RoleValue {
		if v := s.Value; math.IsNaN(v) || v < 0 {
			return p.fail("counter value must not be negative or NaN for %q", f.name)
		}
		if !ok || g.hasValue {
			g = group{id: p.newSeries(), fam: f}
			s.New = true
		} else {
			f.missing--
		}
		g.hasValue = true
	} else {
		if exemplar {
			return p.fail("exemplar not allowed on _created line for %q", f.name)
		}
		if err := p.created(value); err != nil {
			return err
		}
		if !ok || g.hasCreated {
			g = group{id: p.newSeries(), fam: f}
			s.New = true
			f.missing++
		}
		g.hasCreated = true
	}
	p.groups[key] = g
	s.Series = g.id
	return nil
}

// omGroup joins a summary's or histogram's line to the series of its label
// set (exemplars only on buckets), then checks its value for its role
// (omGroupValue).
func (p *Parser) omGroup(f *Family, sig uint64, value []byte, exemplar bool) error {
	s := &p.sample
	switch {
	case f.Type == Summary && exemplar:
		return p.fail("exemplar not allowed on summary metric %q", f.name)
	case exemplar && s.Role != RoleBucket:
		return p.fail("exemplar not allowed on %s sample for histogram %q", s.Role, f.name)
	}
	key := groupKey{fam: f, sig: sig}
	if g, ok := p.groups[key]; ok {
		s.Series = g.id
	} else {
		s.Series, s.New = p.newSeries(), true
		p.groups[key] = group{id: s.Series, fam: f}
	}
	return p.omGroupValue(f, value)
}

// omGroupValue checks a summary's or histogram's line for its role: a
// quantile or bucket has its bound, counts are not negative (a summary's
// a whole number), and a _created line's value is a timestamp.
func (p *Parser) omGroupValue(f *Family, value []byte) error {
	s := &p.sample
	v := s.Value
	switch s.Role {
	case RoleQuantile:
		if math.IsNaN(s.Bound) {
			return p.fail("missing quantile label for summary %q", f.name)
		}
		if !math.IsNaN(v) && v < 0 {
			return p.fail("negative quantile value for summary %q", f.name)
		}
	case RoleBucket:
		if math.IsNaN(s.Bound) {
			return p.fail("missing le label for histogram %q", f.name)
		}
		if math.IsNaN(v) || v < 0 {
			return p.fail("negative or NaN bucket count for histogram %q", f.name)
		}
	case RoleCount:
		if math.IsNaN(v) || v < 0 || f.Type == Summary && float64(uint64(v)) != v {
			return p.fail("invalid count %q for %s %q", value, f.Type, f.name)
		}
	case RoleSum:
		if math.IsNaN(v) || f.Type != GaugeHistogram && v < 0 {
			return p.fail("invalid sum %q for %s %q", value, f.Type, f.name)
		}
	case RoleCreated:
		return p.created(value)
	}
	return nil
}

// created reads a _created line's value as a timestamp.
func (p *Parser) created(value []byte) error {
	t, err := parseTimestamp(value)
	if err != nil {
		return p.fail("invalid created timestamp %q: %v", value, err)
	}
	p.sample.Created, p.sample.Value = t, t.Float()
	return nil
}

// checkExemplar checks an exemplar (" # {labels} value [timestamp]"), which
// is read and dropped: imscope has no use for it.
func (p *Parser) checkExemplar(e []byte) error {
	i := bytes.IndexByte(e, '{')
	j := bytes.LastIndexByte(e, '}')
	var names [][]byte
	runes := 0
	for k := i + 1; k < j; {
		name, value, next := p.omLabel(e, k)
		for _, n := range names {
			if string(n) == string(name) {
				return p.fail("duplicate exemplar label name %q", name)
			}
		}
		names = append(names, name)
		runes += utf8.RuneCount(name) + utf8.RuneCount(value)
		k = next + 1
	}
	if runes > 128 {
		return p.fail("exemplar label set exceeds 128 runes (%d)", runes)
	}
	rest := e[j+2:]
	value, ts, _ := bytes.Cut(rest, []byte(" "))
	v, err := parseFloat(value)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return p.fail("invalid exemplar value %q", value)
	}
	if len(ts) > 0 {
		if _, err := parseTimestamp(ts); err != nil {
			return p.fail("invalid exemplar timestamp %q: %v", ts, err)
		}
	}
	return nil
}

// resolve finds the family a sample name belongs to, and its role there.
func (p *Parser) resolve(name []byte) (*Family, Role, error) {
	if c := p.cur; c != nil && !c.emitted {
		if role, ok := match(c, name); ok {
			p.started(c)
			return c, role, nil
		}
		if c.hasType && c.name == string(name) {
			return nil, 0, p.fail("sample %q missing required suffix for type %s", name, c.Type)
		}
	}
	if f := p.lookup(name); f != nil {
		if role, ok := match(f, name); ok {
			return p.switchTo(f, role)
		}
		if f.hasType {
			return nil, 0, p.fail("sample %q missing required suffix for type %s", name, f.Type)
		}
	}
	for _, suffix := range omSuffixes {
		if !hasSuffix(name, suffix) {
			continue
		}
		if f := p.lookup(name[:len(name)-len(suffix)]); f != nil {
			if role, ok := match(f, name); ok {
				return p.switchTo(f, role)
			}
		}
	}
	f := p.newFamily(name)
	p.started(f)
	p.cur = f
	return f, RoleValue, nil
}

var omSuffixes = [...]string{"_total", "_created", "_count", "_sum", "_bucket", "_gcount", "_gsum"}

func (p *Parser) switchTo(f *Family, role Role) (*Family, Role, error) {
	if f.emitted {
		return nil, 0, p.fail("interleaved metric family %q", f.name)
	}
	p.started(f)
	p.cur = f
	return f, role, nil
}

// started marks f as having samples: untyped unless a TYPE line said, and
// named as expfmt reports it.
func (p *Parser) started(f *Family) {
	if !f.typeSet {
		f.Type, f.typeSet = Untyped, true
	}
	if !f.hasSamples {
		f.hasSamples = true
		if f.Type == Counter {
			if f.totalName == "" {
				f.totalName = f.name + "_total"
			}
			f.Name = f.totalName
		}
	}
}

// match is the role of a sample named name in family f, if it is one of its.
func match(f *Family, name []byte) (Role, bool) {
	if !f.typeSet {
		return RoleValue, f.name == string(name)
	}
	if len(name) < len(f.name) || string(name[:len(f.name)]) != f.name {
		return 0, false
	}
	suffix := string(name[len(f.name):])
	switch f.Type {
	case Counter:
		switch suffix {
		case "_total":
			return RoleValue, true
		case "_created":
			return RoleCreated, true
		}
	case Gauge, Untyped:
		return RoleValue, suffix == ""
	case Summary:
		switch suffix {
		case "":
			return RoleQuantile, true
		case "_count":
			return RoleCount, true
		case "_sum":
			return RoleSum, true
		case "_created":
			return RoleCreated, true
		}
	case Histogram, GaugeHistogram:
		switch suffix {
		case "_bucket":
			return RoleBucket, true
		case "_count":
			return RoleCount, true
		case "_sum":
			return RoleSum, true
		case "_created":
			return RoleCreated, true
		case "_gcount":
			return RoleCount, f.Type == GaugeHistogram
		case "_gsum":
			return RoleSum, f.Type == GaugeHistogram
		}
	}
	return 0, false
}

// omSeries reads the metric name and labels at the start of a sample line
// (the grammar's metricname-and-labels): a name, plain or quoted, then
// labels in braces; or braces holding the quoted name among the labels.
func (p *Parser) omSeries(l []byte) ([]byte, int, error) {
	if len(l) == 0 {
		return nil, 0, p.syntax(l, 0)
	}
	if l[0] != '{' {
		name, i, err := p.omName(l, 0)
		if err != nil {
			return nil, i, err
		}
		if i < len(l) && l[i] == '{' {
			if i+1 < len(l) && l[i+1] == '}' {
				return name, i + 2, nil
			}
			i, err = p.omLabels(l, i+1, nil)
		}
		return name, i, err
	}
	var name []byte
	i, err := p.omLabels(l, 1, &name)
	if err == nil && name == nil {
		return nil, i, p.syntax(l, i-1)
	}
	return name, i, err
}

// omName reads a metric name at i: [a-zA-Z_:][a-zA-Z0-9_:]*, or a quoted,
// non-empty escaped string.
func (p *Parser) omName(l []byte, i int) ([]byte, int, error) {
	if i < len(l) && l[i] == '"' {
		return p.omQuoted(l, i)
	}
	j := i
	for j < len(l) && (nameChar(l[j], true) && (j > i || l[j] < '0' || l[j] > '9')) {
		j++
	}
	if j == i {
		return nil, i, p.syntax(l, i)
	}
	return l[i:j], j, nil
}

// omQuoted reads a quoted, non-empty escaped string at i and decodes it.
func (p *Parser) omQuoted(l []byte, i int) ([]byte, int, error) {
	n, ok := escapedString(l[i+1:])
	end := i + 1 + n
	if !ok || n == 0 || end >= len(l) || l[end] != '"' {
		return nil, end, p.syntax(l, end)
	}
	return p.unescape(l[i+1 : end]), end + 1, nil
}

// omLabels reads labels from i, after an opening brace, to the closing one;
// it returns the index after it. With name set, one of the items may be the
// quoted metric name, which it stores there; without, all are labels.
func (p *Parser) omLabels(l []byte, i int, name *[]byte) (int, error) {
	for {
		if i >= len(l) {
			return i, p.syntax(l, i)
		}
		if l[i] == '"' {
			s, j, err := p.omQuoted(l, i)
			if err != nil {
				return j, err
			}
			if j < len(l) && l[j] == '=' {
				v, k, err := p.omValue(l, j+1)
				if err != nil {
					return k, err
				}
				p.addLabel(s, v, false)
				i = k
			} else {
				if name == nil || *name != nil {
					return j, p.syntax(l, j)
				}
				*name, i = s, j
			}
		} else {
			j := i
			for j < len(l) && nameChar(l[j], false) && (j > i || l[j] < '0' || l[j] > '9') {
				j++
			}
			if j == i || j >= len(l) || l[j] != '=' {
				return j, p.syntax(l, j)
			}
			v, k, err := p.omValue(l, j+1)
			if err != nil {
				return k, err
			}
			p.addLabel(l[i:j], v, false)
			i = k
		}
		if i >= len(l) {
			return i, p.syntax(l, i)
		}
		switch l[i] {
		case '}':
			return i + 1, nil
		case ',':
			i++
		default:
			return i, p.syntax(l, i)
		}
	}
}

// omValue reads a quoted label value at i, decoded, and returns the index
// after its closing quote.
func (p *Parser) omValue(l []byte, i int) ([]byte, int, error) {
	if i >= len(l) || l[i] != '"' {
		return nil, i, p.syntax(l, i)
	}
	n, ok := escapedString(l[i+1:])
	end := i + 1 + n
	if !ok || end >= len(l) || l[end] != '"' {
		return nil, end, p.syntax(l, end)
	}
	return p.unescape(l[i+1 : end]), end + 1, nil
}

// omLabel reads one label of an exemplar the grammar has accepted.
func (p *Parser) omLabel(e []byte, i int) (name, value []byte, next int) {
	if e[i] == '"' {
		name, i, _ = p.omQuoted(e, i)
	} else {
		j := i
		for nameChar(e[j], false) {
			j++
		}
		name, i = e[i:j], j
	}
	value, i, _ = p.omValue(e, i+1)
	return name, value, i
}

// omExemplar checks the grammar of an exemplar at i (" # {...} value [ts]")
// and returns the index after it.
func (p *Parser) omExemplar(l []byte, i int) (int, error) {
	if i+4 > len(l) || string(l[i:i+4]) != " # {" {
		return i, p.syntax(l, i)
	}
	n := len(p.lbls)
	i += 4
	if i < len(l) && l[i] == '}' {
		i++
	} else {
		var err error
		if i, err = p.omLabels(l, i, nil); err != nil {
			return i, err
		}
	}
	p.lbls = p.lbls[:n] // the series' labels only
	if i >= len(l) || l[i] != ' ' {
		return i, p.syntax(l, i)
	}
	i, ok := number(l, i+1)
	if !ok {
		return i, p.syntax(l, i)
	}
	if i < len(l) && l[i] == ' ' {
		if i, ok = realNumber(l, i+1); !ok {
			return i, p.syntax(l, i)
		}
	}
	return i, nil
}

// escapedString is the length of the grammar's escaped-string at the start
// of b: valid UTF-8 without new-lines, double quotes or backslashes, except
// a backslash before any character but a new-line. ok is false when it ends
// at something other than a double quote or the end of b.
func escapedString(b []byte) (int, bool) {
	i := 0
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			return i, true
		case c == '\n':
			return i, false
		case c == '\\':
			// Any character may follow a backslash, but a new-line.
			if i+1 >= len(b) {
				return i, false
			}
			if n := validChar(b[i+1:]); n > 0 {
				i += 1 + n
				continue
			}
			return i, false
		default:
			n := validChar(b[i:])
			if n == 0 {
				return i, false
			}
			i += n
		}
	}
	return i, true
}

// validChar is the length of the character at the start of b, or 0 when
// it is a new-line or not valid UTF-8.
func validChar(b []byte) int {
	if c := b[0]; c < utf8.RuneSelf {
		if c == '\n' {
			return 0
		}
		return 1
	}
	r, size := utf8.DecodeRune(b)
	if r == utf8.RuneError && size == 1 {
		return 0
	}
	return size
}

// unescape is expfmt's reading of an escaped string: \", \\ and \n stand
// for themselves; any other backslash stays.
func (p *Parser) unescape(b []byte) []byte {
	if bytes.IndexByte(b, '\\') < 0 {
		return b
	}
	start := len(p.arena)
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+1 < len(b) {
			switch b[i+1] {
			case '"', '\\':
				p.arena = append(p.arena, b[i+1])
				i++
				continue
			case 'n':
				p.arena = append(p.arena, '\n')
				i++
				continue
			}
		}
		p.arena = append(p.arena, c)
	}
	return p.arena[start:]
}

// number is the end of the grammar's number at i: a real number, an
// optionally signed inf or infinity, or nan, in any case, followed by a
// space or the line's end.
func number(l []byte, i int) (int, bool) {
	j := i
	for j < len(l) && l[j] != ' ' && l[j] != '\n' {
		j++
	}
	tok := l[i:j]
	t := tok
	if len(t) > 0 && (t[0] == '+' || t[0] == '-') {
		t = t[1:]
	}
	switch {
	case len(tok) == 3 && strings.EqualFold(str(tok), "nan"):
		return j, true
	case strings.EqualFold(str(t), "inf") || strings.EqualFold(str(t), "infinity"):
		return j, true
	}
	return realNumber(l, i)
}

// realNumber is the end of the grammar's realnumber at i: [sign] digits
// with an optional point (digits on at least one side) and an optional
// exponent.
func realNumber(l []byte, i int) (int, bool) {
	j := i
	if j < len(l) && (l[j] == '+' || l[j] == '-') {
		j++
	}
	digits := 0
	for j < len(l) && l[j] >= '0' && l[j] <= '9' {
		j++
		digits++
	}
	if j < len(l) && l[j] == '.' {
		j++
		for j < len(l) && l[j] >= '0' && l[j] <= '9' {
			j++
			digits++
		}
	}
	if digits == 0 {
		return j, false
	}
	if j < len(l) && (l[j] == 'e' || l[j] == 'E') {
		j++
		if j < len(l) && (l[j] == '+' || l[j] == '-') {
			j++
		}
		k := j
		for j < len(l) && l[j] >= '0' && l[j] <= '9' {
			j++
		}
		if j == k {
			return j, false
		}
	}
	if j < len(l) && l[j] != ' ' && l[j] != '\n' {
		return j, false
	}
	return j, true
}
