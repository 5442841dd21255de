package csvimport

import (
	"fmt"
	"strings"
)

// column is one column a kind knows. Its position in the kind's list is its
// id; the header decides where in each record it is.
type column struct {
	name     string
	required bool
}

// Column ids, the positions in the lists below.
const (
	repPeriod = iota
	repPublisher
	repBasis
	repNetwork
	repShare
	repBound
	repNote
)

const (
	panPeriod = iota
	panUser
	panNetwork
	panSegment
	panActiveDays
	panMessages
)

const (
	useTS = iota
	useNetwork
	useMetric
	useValue
	useSegment
)

const (
	evDate = iota
	evTitle
	evDescription
	evNetworks
	evBridges
	evLink
	evID
)

var kindColumns = map[Kind][]column{
	KindEvents: {
		evDate:        {"date", true},
		evTitle:       {"title", true},
		evDescription: {"description", false},
		evNetworks:    {"networks", false},
		evBridges:     {"bridges", false},
		evLink:        {"link", false},
		evID:          {"id", false},
	},
	KindReports: {
		repPeriod:    {"period", true},
		repPublisher: {"publisher", true},
		repBasis:     {"basis", true},
		repNetwork:   {"network", true},
		repShare:     {"share_pct", true},
		repBound:     {"bound", false},
		repNote:      {"note", false},
	},
	KindPanel: {
		panPeriod:     {"period", true},
		panUser:       {"user_id", true},
		panNetwork:    {"network", true},
		panSegment:    {"segment", false},
		panActiveDays: {"active_days", true},
		panMessages:   {"messages", true},
	},
	KindUsage: {
		useTS:      {"ts", true},
		useNetwork: {"network", true},
		useMetric:  {"metric", true},
		useValue:   {"value", true},
		useSegment: {"segment", false},
	},
}

// layout is where each of a kind's columns is in the file's records.
type layout struct {
	cols   []column
	at     []int // record index of each column id; -1 when the file lacks it
	fields int   // fields in the header; every record must have as many
}

// headerName is how header cells are compared: case and surrounding space do
// not matter ("Share_PCT " is share_pct).
func headerName(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// mapHeader finds the kind's columns in the header. Missing required
// columns and known columns given twice are errors (nothing can be read);
// columns the kind does not know are returned to be noted and ignored.
func mapHeader(kind Kind, header []string) (layout, []string, error) {
	cols := kindColumns[kind]
	l := layout{cols: cols, at: make([]int, len(cols)), fields: len(header)}
	for i := range l.at {
		l.at[i] = -1
	}
	var extra []string
	for i, h := range header {
		name := headerName(h)
		id := -1
		for c := range cols {
			if cols[c].name == name {
				id = c
				break
			}
		}
		switch {
		case id < 0:
			if name == "" {
				extra = append(extra, fmt.Sprintf("an unnamed column (column %d)", i+1))
			} else {
				extra = append(extra, fmt.Sprintf("%s (column %d)", quote(h), i+1))
			}
		case l.at[id] >= 0:
			return layout{}, nil, invalid("header", fmt.Sprintf("column %s appears twice, as columns %d and %d", name, l.at[id]+1, i+1))
		default:
			l.at[id] = i
		}
	}
	var missing []string
	for c, col := range cols {
		if col.required && l.at[c] < 0 {
			missing = append(missing, col.name)
		}
	}
	if len(missing) > 0 {
		word := "column"
		if len(missing) > 1 {
			word = "columns"
		}
		return layout{}, nil, invalid("header", fmt.Sprintf("missing required %s %s for a %s file; a %s file has the columns %s",
			word, strings.Join(missing, ", "), kind, kind, columnList(cols)))
	}
	return l, extra, nil
}

// columnList describes a kind's columns for messages: "a, b, c (optional)".
func columnList(cols []column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
		if !c.required {
			names[i] += " (optional)"
		}
	}
	return strings.Join(names, ", ")
}
