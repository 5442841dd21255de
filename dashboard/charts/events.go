package charts

// Mark is an event drawn across a chart over categories: a vertical line
// at the category it falls in, labelled with its title.
type Mark struct {
	X     string // the category (a period's label) the event falls in
	Title string // drawn as text; the page script never reads it as markup
	Date  string // when, for the tooltip
}

// eventColor draws event lines and their titles, readable on light and
// dark.
const eventColor = "#b26a00"

// MarkEvents draws marks on a line or bar chart over categories (marks at
// a category the chart does not have are left out; marks at one category
// share a line). The lines are a
// markLine on the first series that has none of its own (the
// concentration chart's thresholds keep theirs, silent and unlabelled);
// imEvents tells the page script to give them their labels and tooltip,
// with the titles as text.
func MarkEvents(c Chart, marks []Mark) {
	xs, ok := categories(c)
	if !ok || len(marks) == 0 {
		return
	}
	// Events in one category share its line (their labels would print
	// over each other): titles and dates joined, in the order given.
	var data []any
	at := map[string]map[string]any{}
	for _, m := range marks {
		if !contains(xs, m.X) {
			continue
		}
		if d := at[m.X]; d != nil {
			d["name"] = d["name"].(string) + " · " + m.Title
			d["imDate"] = d["imDate"].(string) + " · " + m.Date
			continue
		}
		d := map[string]any{"name": m.Title, "xAxis": m.X, "imDate": m.Date, "label": map[string]any{"position": labelSide(xs, m.X)}}
		at[m.X] = d
		data = append(data, d)
	}
	ss := seriesOf(c)
	if len(data) == 0 || len(ss) == 0 {
		return
	}
	carrier := ss[0]
	for _, s := range ss {
		if _, has := s["markLine"]; !has {
			carrier = s
			break
		}
	}
	carrier["markLine"] = map[string]any{
		"imEvents":  true,
		"symbol":    []string{"none", "none"},
		"animation": false,
		"lineStyle": map[string]any{"type": "solid", "color": eventColor, "width": 1.5, "opacity": 0.9},
		"label": map[string]any{"show": true, "position": "insideEndTop", "color": eventColor, "fontSize": 11,
			"width": 160, "overflow": "truncate"},
		"emphasis": map[string]any{"label": map[string]any{"show": true}},
		"data":     data,
	}
}

// categories is the chart's category axis (x, or y for horizontal bars).
func categories(c Chart) ([]string, bool) {
	for _, key := range []string{"xAxis", "yAxis"} {
		axes, _ := c.Option[key].([]map[string]any)
		if len(axes) == 0 || axes[0]["type"] != "category" {
			continue
		}
		switch d := axes[0]["data"].(type) {
		case []any:
			out := make([]string, 0, len(d))
			for _, v := range d {
				s, _ := v.(string)
				out = append(out, s)
			}
			return out, true
		case []string:
			return d, true
		}
	}
	return nil, false
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// labelSide puts an event's title beside its line on the side with more
// of the plot: right of lines in the chart's left half, left of the
// others, so that no title runs over a value axis' labels.
func labelSide(xs []string, x string) string {
	for i, v := range xs {
		if v == x && 2*i < len(xs) {
			return "insideEndBottom" // a vertical line's "bottom" side is its right
		}
	}
	return "insideEndTop"
}
