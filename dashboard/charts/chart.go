package charts

import (
	"encoding/json"
	"fmt"
	"html/template"
	"slices"

	"github.com/go-echarts/go-echarts/v2/opts"
)

// Format names how a chart's values read, in tooltips and on its value
// axis; the page script turns it into a formatter.
type Format string

// Formats.
const (
	Percent Format = "percent" // 76.37 → 76.4%
	Points  Format = "points"  // +1.25 → +1.3 pp
	Count   Format = "count"   // 12400000 → 12.4M (or 1240万 in Chinese)
	Ratio   Format = "ratio"   // 0.0031 → 0.31%
	Micros  Format = "us"      // latency in µs → 1.2 ms
	Index   Format = "index"   // HHI 5982.6 → 5,983
	Rate    Format = "rate"    // messages per second → 12.3/s
)

// Chart is one chart ready for a page or a report.
type Chart struct {
	ID     string // the element id; unique within a page
	Kind   string // line, pie, bar, sankey, heatmap, graph: for tests and styling
	Height int    // pixels
	Format Format
	// Option is the ECharts option object.
	Option map[string]any
}

// JSON is the option as a JSON text that is safe inside a <script> element:
// encoding/json escapes <, >, & and U+2028/9, so no label can end the
// element or start markup.
func (c Chart) JSON() (template.JS, error) {
	b, err := json.Marshal(c.Option)
	if err != nil {
		return "", fmt.Errorf("cannot encode chart %s: %w", c.ID, err)
	}
	return template.JS(b), nil //nolint:gosec // escaped JSON, see above
}

// Meta is what every chart carries besides its data: a title (also the
// file name of its saved PNG), a subtitle saying what the numbers are of,
// and the "save as image" caption in the reader's language.
type Meta struct {
	ID, Title, Subtitle string
	SaveAsImage         string
	// Empty is shown inside the chart when it has nothing to draw.
	Empty string
}

// Series is one named line or bar series; Values align with the chart's
// categories and a nil value is a gap (missing is not zero).
type Series struct {
	Name   string
	Color  string // #rrggbb; "" lets the palette choose
	Values []*float64
	Format Format // "" uses the chart's
	Stack  string
	Dashed bool
	// Notes, when set, align with Values: a line of text the tooltip adds
	// under the series' value at that category — which networks a folded
	// "Other" entry holds in that period. Text, escaped by the page script.
	Notes []string
}

// Slice is one sector of a pie or one bar of a single-series chart.
type Slice struct {
	Name  string
	Value float64
	Color string
	// Note is a line of text the tooltip adds under the value (the
	// networks an "Other" slice holds); "" for none. Text, escaped.
	Note string
}

// Palette is used for series without a colour of their own; colourblind-
// safe (Okabe–Ito) first, then ECharts' defaults.
var Palette = []string{"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999999", "#5470c6", "#91cc75", "#fac858", "#ee6666"}

// finish validates a go-echarts chart, takes its option map and adds what
// every imscope chart has: a transparent background (the page's theme shows
// through), the toolbox's save-as-PNG, accessibility descriptions, and the
// value format.
func finish(m Meta, kind string, height int, format Format, validate func(), option func() map[string]any) Chart {
	validate()
	o := option()
	for _, key := range []string{"series", "xAxis", "yAxis"} {
		asMaps(o, key)
	}
	if l, ok := o["legend"]; ok {
		b, _ := json.Marshal(l) // go-echarts' own struct
		var m map[string]any
		if json.Unmarshal(b, &m) == nil {
			o["legend"] = m
		}
	}
	o["backgroundColor"] = "transparent"
	o["aria"] = map[string]any{"enabled": true}
	o["animationDuration"] = 300
	o["toolbox"] = map[string]any{
		"show":    true,
		"right":   8,
		"feature": map[string]any{"saveAsImage": map[string]any{"show": true, "title": m.SaveAsImage, "name": m.Title, "pixelRatio": 2}},
	}
	o["color"] = Palette
	title := map[string]any{"text": m.Title, "left": 8, "textStyle": map[string]any{"fontSize": 15, "fontWeight": 600}}
	if m.Subtitle != "" {
		title["subtext"] = m.Subtitle
	}
	o["title"] = title
	return Chart{ID: m.ID, Kind: kind, Height: height, Format: format, Option: o}
}

// seriesOf is the option's series, as finish left them.
func seriesOf(c Chart) []map[string]any { return c.Option["series"].([]map[string]any) }

// value is a chart value: the number, or "-" (ECharts' gap) when missing.
func value(v *float64) any {
	if v == nil {
		return "-"
	}
	return *v
}

// itemColor is an item style with a colour, or nil for the palette's.
func itemColor(c string) *opts.ItemStyle {
	if c == "" {
		return nil
	}
	return &opts.ItemStyle{Color: c}
}

// asMaps turns the option's series or axes into plain maps, for the few
// settings go-echarts has no field for: one round trip through JSON, so
// later edits see maps whatever go-echarts' type.
func asMaps(o map[string]any, key string) {
	v, ok := o[key]
	if !ok {
		return
	}
	b, _ := json.Marshal(v) // go-echarts' own structs: always encodable
	var out []map[string]any
	if json.Unmarshal(b, &out) == nil {
		o[key] = out
	}
}

// focusSeries lets the reader pick one series out of many: hovering a
// line, a bar or its legend entry fades the others (a click on the legend
// entry hides it, as ECharts does by default).
func focusSeries(c Chart) {
	for _, s := range seriesOf(c) {
		s["emphasis"] = map[string]any{"focus": "series"}
	}
}

// wholeNumbers keeps a count axis to whole steps: with small counts
// ECharts would tick at 0.2, 0.4 … and the formatter print "0 0 0 1 1 1".
func wholeNumbers(c Chart, key string, format Format) {
	if format == Count {
		axis(c, key)["minInterval"] = 1
	}
}

// axis returns the option's first x or y axis, as finish left it.
func axis(c Chart, key string) map[string]any { return c.Option[key].([]map[string]any)[0] }

// grid leaves room for the title, the legend and the axis labels.
func grid(top, bottom int) opts.Grid {
	return opts.Grid{Left: "3%", Right: "4%", Top: fmt.Sprint(top), Bottom: fmt.Sprint(bottom), ContainLabel: opts.Bool(true)}
}

// noteSeries puts each series' Notes on its option ("imNotes", aligned
// with the categories) for the page script's tooltip; a series without
// notes gets none, so charts without folds are unchanged.
func noteSeries(c Chart, series []Series) {
	for i, s := range seriesOf(c) {
		if i < len(series) && slices.ContainsFunc(series[i].Notes, func(n string) bool { return n != "" }) {
			s["imNotes"] = series[i].Notes
		}
	}
}
