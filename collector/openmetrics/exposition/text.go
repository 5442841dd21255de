package exposition

import (
	"bytes"
	"math"
	"strings"
	"unicode/utf8"
)

// The Prometheus text format, as expfmt's TextParser reads it. Everything it
// reads lies within one line, so a line is parsed on its own, with the
// state expfmt carries from line to line: the current family (which a label
// set inside braces is read under until its name turns up), and the label
// map, le and quantile of the last histogram or summary line.

// textState is what the text format carries from one line to the next.
type textState struct {
	labels   labelSet
	bucket   float64 // le of the last histogram line; NaN: none
	quantile float64 // quantile of the last summary line; NaN: none
	isCount  bool    // the sample name is a histogram's or summary's _count
	isSum    bool    // ... or _sum
}

func (t *textState) reset() {
	t.labels.started = false
	t.bucket, t.quantile = nan, nan
	t.isCount, t.isSum = false, false
}

const errEOF = "unexpected end of input"

// textLine reads one line (with its '\n', unless the body ends without
// one); it reports whether the line was a sample.
func (p *Parser) textLine(l []byte) (bool, error) {
	i := skipBlank(l, 0)
	switch {
	case i == len(l):
		return false, nil // blanks, then the end of the body
	case l[i] == '\n':
		return false, nil
	case l[i] == '#':
		return false, p.textComment(l, i)
	}
	return true, p.textSample(l, i)
}

// curType is the current family's type as expfmt's GetType has it: counter
// when there is none or it is untyped so far.
func (p *Parser) curType() Type {
	if p.cur == nil || !p.cur.typeSet {
		return Counter
	}
	return p.cur.Type
}

func (p *Parser) curName() string {
	if p.cur == nil {
		return ""
	}
	return p.cur.name
}

// startLabels is expfmt's readingLabels: a histogram or summary line starts
// its label map and le or quantile afresh.
func (p *Parser) startLabels() {
	if t := p.curType(); t.isGroup() {
		p.text.labels.reset(p.cur.name)
		p.text.bucket, p.text.quantile = nan, nan
	}
}

// defaultType makes the current family untyped if nothing typed it.
func (p *Parser) defaultType() {
	if !p.cur.typeSet {
		p.cur.Type, p.cur.typeSet = Untyped, true
	}
}

// textScan is what reading one sample line's name and label set keeps: a
// sample line is read by textSample, textLabels, textLabel and
// textBracedName, and ended by closeBraces.
type textScan struct {
	start     int     // where the line's series text starts
	ascii     bool    // the line is ASCII: every name and value is valid UTF-8
	inBraces  bool    // the line starts with '{': the name, if any, is inside
	metric    bool    // a name has been read: labels have a series to go to
	named     bool    // inside braces: the name was among the labels
	prev      *Family // the current family before this line
	prevGroup bool    // ... was a histogram or summary
}

// textSample reads a sample line from start: a name, then its label set in
// braces or none, then the value (textValue); or a label set in braces that
// holds the name among its labels.
func (p *Parser) textSample(l []byte, start int) error {
	p.lbls, p.arena = p.lbls[:0], p.arena[:0]
	sc := textScan{start: start, ascii: isASCII(l), inBraces: l[start] == '{', prev: p.cur, prevGroup: p.curType().isGroup()}
	if sc.inBraces {
		p.startLabels()
		return p.textLabels(l, start+1, &sc)
	}
	name, end, err := p.readName(l, start, true)
	if err != nil {
		return err
	}
	if len(name) == 0 {
		return p.fail("invalid metric name")
	}
	if err := p.setFamily(name); err != nil {
		return err
	}
	p.defaultType()
	sc.metric = true
	j := end
	if blank(l[j]) {
		if j = skipBlank(l, j+1); j == len(l) {
			return p.fail(errEOF)
		}
	}
	p.startLabels()
	if l[j] != '{' {
		return p.textValue(l, start, end, j, false)
	}
	return p.textLabels(l, j+1, &sc)
}

// textLabels reads the label set from i, after its '{', item by item, up to
// the '}' and on to the value. An item is a label (textLabel) or, in braces
// that opened the line, the metric name (textBracedName).
func (p *Parser) textLabels(l []byte, i int, sc *textScan) error {
	for {
		j := skipBlank(l, i)
		if j == len(l) {
			return p.fail(errEOF)
		}
		if l[j] == '}' {
			return p.closeBraces(l, j, sc)
		}
		name, k, err := p.readName(l, j, false)
		if err != nil {
			return err
		}
		if len(name) == 0 {
			return p.fail("invalid label name for metric %q", p.curName())
		}
		if blank(l[k]) {
			if k = skipBlank(l, k+1); k == len(l) {
				return p.fail(errEOF)
			}
		}
		if l[k] != '=' {
			if err := p.textBracedName(l, k, name, sc); err != nil {
				return err
			}
			if l[k] == '}' {
				return p.closeBraces(l, k, sc)
			}
			i = k + 1
			continue
		}
		value, k, err := p.textLabel(l, k+1, name, sc.ascii)
		if err != nil {
			return err
		}
		j = skipBlank(l, k)
		if j == len(l) {
			return p.fail(errEOF)
		}
		switch l[j] {
		case ',':
			i = j + 1
		case '}':
			return p.closeBraces(l, j, sc)
		default:
			return p.fail("unexpected end of label value %q", value)
		}
	}
}

// textBracedName takes name, followed by no '=' but by l[k], as the metric
// name inside braces: allowed once, in braces that opened the line, and
// followed by ',' or '}'. The family it names is current from here on, so
// the labels after it are read under it.
func (p *Parser) textBracedName(l []byte, k int, name []byte, sc *textScan) error {
	if !sc.inBraces {
		return p.fail("expected '=' after label name, found %q", l[k])
	}
	if sc.named {
		return p.fail("multiple metric names for metric %q", p.curName())
	}
	if l[k] != ',' && l[k] != '}' {
		return p.fail("unexpected end of metric name %q", l[k])
	}
	if err := p.setFamily(name); err != nil {
		return err
	}
	p.defaultType()
	sc.metric, sc.named = true, true
	return nil
}

// textLabel reads the label named name from k, after its '=': its quoted
// value, decoded. A label of the series is recorded; the le of a histogram
// line or the quantile of a summary line is its Bound instead (textBound);
// a histogram's or summary's labels also go to expfmt's label map, which
// finds the series the line joins. It returns the value and the index
// after its closing quote.
func (p *Parser) textLabel(l []byte, k int, name []byte, ascii bool) ([]byte, int, error) {
	if string(name) == "__name__" {
		return nil, k, p.fail("label name %q is reserved", "__name__")
	}
	if !ascii && !utf8.Valid(name) {
		return nil, k, p.fail("invalid label name %q", name)
	}
	t := p.curType()
	special := (t == Summary && string(name) == "quantile") || (t.isHistogram() && string(name) == "le")
	if !special {
		p.addLabel(name, nil, true)
		if p.duplicate(name) {
			return nil, k, p.fail("duplicate label names for metric %q", p.curName())
		}
	}
	j := skipBlank(l, k)
	if j == len(l) {
		return nil, j, p.fail(errEOF)
	}
	if l[j] != '"' {
		return nil, j, p.fail("expected '\"' at start of label value, found %q", l[j])
	}
	value, k, err := p.readValue(l, j+1)
	if err != nil {
		return nil, k, err
	}
	if !ascii && !utf8.Valid(value) {
		return nil, k, p.fail("invalid label value %q", value)
	}
	if special {
		return value, k, p.textBound(t == Summary, value)
	}
	p.lbls[len(p.lbls)-1].value = value
	if t.isGroup() {
		if !p.text.labels.started {
			// expfmt writes into a map it never made, and panics.
			return nil, k, p.fail("a label of histogram or summary %q before any series of one", p.curName())
		}
		p.text.labels.set(name, value)
	}
	return value, k, nil
}

// textBound reads the quantile label of a summary line, or the le of a
// histogram line: expfmt keeps the last one read, and textValue makes it
// the sample's Bound.
func (p *Parser) textBound(quantile bool, value []byte) error {
	var err error
	if quantile {
		if p.text.quantile, err = parseFloat(value); err != nil {
			return p.fail("expected float as value for 'quantile' label, got %q", value)
		}
		return nil
	}
	if p.text.bucket, err = parseFloat(value); err != nil {
		return p.fail("expected float as value for 'le' label, got %q", value)
	}
	return nil
}

// closeBraces reads on after the label set's '}' at close: the line must
// have a name by now. When the name was inside the braces and belongs to
// another family than the line before, with either a histogram or summary,
// the labels read before the name depend on the lines before
// (Sample.Unusual).
func (p *Parser) closeBraces(l []byte, close int, sc *textScan) error {
	if !sc.metric {
		return p.fail("invalid metric name")
	}
	j := skipBlank(l, close+1)
	if j == len(l) {
		return p.fail(errEOF)
	}
	moved := sc.inBraces && sc.prev != p.cur
	return p.textValue(l, sc.start, close+1, j, moved && (sc.prevGroup || p.curType().isGroup()))
}

// textValue reads the value and timestamp at i, and joins the line to its
// series: every line of a counter, gauge or untyped family starts one; a
// histogram or summary line joins the one with its label map.
func (p *Parser) textValue(l []byte, start, end, i int, unusual bool) error {
	s := &p.sample
	*s = Sample{Family: p.cur, Line: p.line, Raw: l[start:end], Unusual: unusual, Bound: nan, p: p}
	t := p.curType()
	if t.isGroup() {
		key := groupKey{kind: 1, sig: p.text.labels.sig()}
		if t != Summary {
			key.kind = 2
		}
		if g, ok := p.groups[key]; ok {
			s.Series, s.Family = g.id, g.fam
		} else {
			s.Series, s.New = p.newSeries(), true
			p.groups[key] = group{id: s.Series, fam: p.cur}
		}
	} else {
		s.Series, s.New = p.newSeries(), true
	}
	j := tokenEnd(l, i)
	if j == len(l) {
		return p.fail(errEOF)
	}
	v, err := parseFloat(l[i:j])
	if err != nil {
		return p.fail("expected float as value, got %q", l[i:j])
	}
	s.Value = v
	switch t {
	case Summary:
		switch {
		case p.text.isCount:
			s.Role = RoleCount
		case p.text.isSum:
			s.Role = RoleSum
		case !math.IsNaN(p.text.quantile):
			s.Role, s.Bound = RoleQuantile, p.text.quantile
		default:
			s.Role = RoleNone
		}
	case Histogram, GaugeHistogram:
		switch {
		case p.text.isCount:
			if v != float64(uint64(v)) && v < 0 {
				return p.fail("negative count for histogram %q", p.cur.name)
			}
			s.Role = RoleCount
		case p.text.isSum:
			s.Role = RoleSum
		case !math.IsNaN(p.text.bucket):
			if v != float64(uint64(v)) && v < 0 {
				return p.fail("negative bucket population for histogram %q", p.cur.name)
			}
			s.Role, s.Bound = RoleBucket, p.text.bucket
		default:
			s.Role = RoleNone
		}
	}
	if l[j] == '\n' {
		return nil
	}
	i = skipBlank(l, j+1)
	j = tokenEnd(l, i)
	if j == len(l) {
		return p.fail(errEOF)
	}
	ts, err := parseInt(l[i:j])
	if err != nil {
		return p.fail("expected integer as timestamp, got %q", l[i:j])
	}
	if l[j] != '\n' {
		if bytes.IndexByte(l[j:], '\n') < 0 {
			return p.fail(errEOF)
		}
		return p.fail("spurious string after timestamp: %q", bytes.TrimSuffix(l[j:], []byte("\n")))
	}
	s.TimestampMs, s.HasTimestamp = ts, true
	return nil
}

// textComment reads a comment: HELP and TYPE lines, anything else ignored.
func (p *Parser) textComment(l []byte, i int) error {
	j := skipBlank(l, i+1)
	if j == len(l) {
		return p.fail(errEOF)
	}
	if l[j] == '\n' {
		return nil
	}
	k := j
	for k < len(l) && !blank(l[k]) && l[k] != '\n' {
		k++
	}
	if k == len(l) {
		return p.fail(errEOF)
	}
	if l[k] == '\n' {
		return nil
	}
	keyword := string(l[j:k])
	if keyword != "HELP" && keyword != "TYPE" {
		if bytes.IndexByte(l[k:], '\n') < 0 {
			return p.fail(errEOF)
		}
		return nil
	}
	if j = skipBlank(l, k+1); j == len(l) {
		return p.fail(errEOF)
	}
	name, k, err := p.readName(l, j, true)
	if err != nil {
		return err
	}
	if l[k] == '\n' {
		return nil
	}
	if !blank(l[k]) {
		return p.fail("invalid metric name in comment")
	}
	if err := p.setFamily(name); err != nil {
		return err
	}
	if j = skipBlank(l, k+1); j == len(l) {
		return p.fail(errEOF)
	}
	if l[j] == '\n' {
		return nil
	}
	f := p.cur
	if keyword == "HELP" {
		if f.HasHelp {
			return p.fail("second HELP line for metric name %q", f.name)
		}
		text, err := p.readHelp(l, j)
		if err != nil {
			return err
		}
		setHelp(f, text)
		return nil
	}
	if f.typeSet {
		return p.fail("second TYPE line for metric name %q, or TYPE reported after samples", f.name)
	}
	e := bytes.IndexByte(l[j:], '\n')
	if e < 0 {
		return p.fail(errEOF)
	}
	// expfmt reads the type with backslashes dropped: gau\ge is a gauge.
	typ := l[j : j+e]
	if bytes.IndexByte(typ, '\\') >= 0 {
		typ = bytes.ReplaceAll(typ, []byte{'\\'}, nil)
	}
	t, ok := textType(typ)
	if !ok {
		return p.fail("unknown metric type %q", l[j:j+e])
	}
	f.Type, f.typeSet = t, true
	p.version++
	return nil
}

// textType reads a TYPE line's type in any case, as expfmt does (with
// Unicode case mapping: "hıstogram" is a histogram).
func textType(b []byte) (Type, bool) {
	upper := ""
	for _, c := range b {
		if c >= utf8.RuneSelf {
			upper = strings.ToUpper(string(b))
			break
		}
	}
	for t, name := range textTypeNames {
		if upper == "" && strings.EqualFold(str(b), name) || upper != "" && upper == name {
			return textTypes[t], true
		}
	}
	return 0, false
}

var (
	textTypeNames = [...]string{"COUNTER", "GAUGE", "SUMMARY", "UNTYPED", "HISTOGRAM", "GAUGE_HISTOGRAM", "GAUGEHISTOGRAM"}
	textTypes     = [...]Type{Counter, Gauge, Summary, Untyped, Histogram, GaugeHistogram, GaugeHistogram}
)

// readHelp decodes the rest of the line from i as HELP text: \\, \n and \"
// are escapes, other escapes are errors.
func (p *Parser) readHelp(l []byte, i int) ([]byte, error) {
	e := bytes.IndexByte(l[i:], '\n')
	if bytes.IndexByte(l[i:], '\\') < 0 {
		if e < 0 {
			return nil, p.fail(errEOF)
		}
		return l[i : i+e], nil
	}
	start := len(p.arena)
	for j := i; ; j++ {
		if j == len(l) {
			return nil, p.fail(errEOF)
		}
		switch c := l[j]; c {
		case '\n':
			return p.arena[start:], nil
		case '\\':
			if j+1 == len(l) {
				return nil, p.fail(errEOF)
			}
			j++
			switch l[j] {
			case '\\', '"':
				p.arena = append(p.arena, l[j])
			case 'n':
				p.arena = append(p.arena, '\n')
			default:
				return nil, p.fail("invalid escape sequence '\\%c'", l[j])
			}
		default:
			p.arena = append(p.arena, c)
		}
	}
}

// setFamily is expfmt's setOrCreateCurrentMF: the sample or comment name is
// a family's, or a summary's or histogram's _count, _sum (or _bucket), or
// names a new family.
func (p *Parser) setFamily(name []byte) error {
	t := &p.text
	if p.memoFam != nil && p.memoVersion == p.version && string(name) == string(p.memoName) {
		p.cur, t.isCount, t.isSum = p.memoFam, p.memoCount, p.memoSum
		return nil
	}
	t.isCount, t.isSum = false, false
	if len(name) == 0 || !utf8.Valid(name) {
		return p.fail("invalid metric name %q", name)
	}
	f := p.lookup(name)
	if f == nil {
		count, sum := hasSuffix(name, "_count"), hasSuffix(name, "_sum")
		if count || sum {
			if g := p.lookup(trimSuffix(name)); g != nil && g.typeSet && g.Type == Summary {
				f, t.isCount, t.isSum = g, count, sum
			}
		}
		if f == nil && (count || sum || hasSuffix(name, "_bucket")) {
			if g := p.lookup(trimSuffix(name)); g != nil && g.typeSet && g.Type.isHistogram() {
				f, t.isCount, t.isSum = g, count, sum
			}
		}
		if f == nil {
			f = p.newFamily(name)
		}
	}
	p.cur = f
	p.memoName = append(p.memoName[:0], name...)
	p.memoFam, p.memoVersion, p.memoCount, p.memoSum = f, p.version, t.isCount, t.isSum
	return nil
}

// hasSuffix is expfmt's isCount/isSum/isBucket: the suffix, and more.
func hasSuffix(name []byte, suffix string) bool {
	return len(name) > len(suffix) && string(name[len(name)-len(suffix):]) == suffix
}

// trimSuffix strips _count, _sum or _bucket.
func trimSuffix(name []byte) []byte {
	for _, s := range [...]string{"_count", "_sum", "_bucket"} {
		if hasSuffix(name, s) {
			return name[:len(name)-len(s)]
		}
	}
	return name
}

// readName reads a metric (or label) name at i, as expfmt's readTokenAs...
// does: letters, digits, '_' (':' in metric names), and one quoted part,
// with \\, \n and \" escapes, that ends the name. It returns the name —
// empty when l[i] cannot start one — and the index after it; reaching the
// end of the body is an error.
func (p *Parser) readName(l []byte, i int, metric bool) ([]byte, int, error) {
	c := l[i]
	if !nameStart(c, metric) {
		return nil, i, nil
	}
	if c != '"' {
		j := i + 1
		for j < len(l) && nameChar(l[j], metric) {
			j++
		}
		if j == len(l) {
			return nil, j, p.fail(errEOF)
		}
		if l[j] != '"' {
			return l[i:j], j, nil
		}
	}
	start := len(p.arena)
	quoted, escaped := false, false
	for j := i; ; {
		c := l[j]
		switch {
		case escaped:
			switch c {
			case '\\', '"':
				p.arena = append(p.arena, c)
			case 'n':
				p.arena = append(p.arena, '\n')
			default:
				return nil, j, p.fail("invalid escape sequence '\\%c'", c)
			}
			escaped = false
		case c == '"':
			quoted = !quoted
			if !quoted {
				if j+1 == len(l) {
					return nil, j + 1, p.fail(errEOF)
				}
				return p.arena[start:], j + 1, nil
			}
		case c == '\n':
			return nil, j, p.fail("name %q contains unescaped new-line", p.arena[start:])
		case c == '\\':
			escaped = true
		default:
			p.arena = append(p.arena, c)
		}
		j++
		if j == len(l) {
			return nil, j, p.fail(errEOF)
		}
		if c := l[j]; !quoted && !nameStart(c, metric) && !(c >= '0' && c <= '9') {
			return p.arena[start:], j, nil
		}
	}
}

// nameStart: letters, '_', '"' (and ':' in metric names) start a name.
func nameStart(c byte, metric bool) bool {
	return nameTable[c]&startByte != 0 || metric && c == ':'
}

// nameChar is a byte of an unquoted name after its first.
func nameChar(c byte, metric bool) bool {
	return nameTable[c]&nameByte != 0 || metric && c == ':'
}

const (
	startByte = 1 << iota // may start a name: a letter, '_' or '"'
	nameByte              // may continue an unquoted name: a letter, digit or '_'
)

var nameTable = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
			t[c] = startByte | nameByte
		case c >= '0' && c <= '9':
			t[c] = nameByte
		case c == '"':
			t[c] = startByte
		}
	}
	return t
}()

// readValue reads a label value from i, after its opening quote: \\, \n
// and \" are escapes, other escapes and new-lines are errors. It returns
// the decoded value and the index after the closing quote.
func (p *Parser) readValue(l []byte, i int) ([]byte, int, error) {
	q := bytes.IndexByte(l[i:], '"')
	if q >= 0 && bytes.IndexByte(l[i:i+q], '\\') < 0 {
		return l[i : i+q], i + q + 1, nil
	}
	start := len(p.arena)
	for j := i; ; j++ {
		if j == len(l) {
			return nil, j, p.fail(errEOF)
		}
		switch c := l[j]; c {
		case '"':
			return p.arena[start:], j + 1, nil
		case '\n':
			return nil, j, p.fail("label value %q contains unescaped new-line", p.arena[start:])
		case '\\':
			if j+1 == len(l) {
				return nil, j + 1, p.fail(errEOF)
			}
			j++
			switch l[j] {
			case '\\', '"':
				p.arena = append(p.arena, l[j])
			case 'n':
				p.arena = append(p.arena, '\n')
			default:
				return nil, j, p.fail("invalid escape sequence '\\%c'", l[j])
			}
		default:
			p.arena = append(p.arena, c)
		}
	}
}

// tokenEnd is where the token at i ends: at the next blank or newline, or
// at the end of l (a line cut short).
func tokenEnd(l []byte, i int) int {
	for i < len(l) && !blank(l[i]) && l[i] != '\n' {
		i++
	}
	return i
}
