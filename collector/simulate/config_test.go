package simulate

import (
	"errors"
	"strings"
	"testing"

	"github.com/imscope/imscope"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Config)
		params []string // the keys the error must name; none for valid
	}{
		{"default", func(*Config) {}, nil},
		{"zero config is the default", func(c *Config) { *c = Config{} }, nil},
		{"monthly panel", func(c *Config) { c.PanelGranularity = "month" }, nil},
		{"custom segment", func(c *Config) { c.Segments = []string{"gamers", "office"} }, nil},
		{"bad start", func(c *Config) { c.Start = "2010-13" }, []string{"start"}},
		{"start not a month", func(c *Config) { c.Start = "2010-01-05" }, []string{"start"}},
		{"negative months", func(c *Config) { c.Months = -1 }, []string{"months"}},
		{"too many months", func(c *Config) { c.Months = maxMonths + 1 }, []string{"months"}},
		{"negative panel", func(c *Config) { c.PanelUsers = -5 }, []string{"panel_users"}},
		{"huge panel", func(c *Config) { c.PanelUsers = maxPanelUsers + 1 }, []string{"panel_users"}},
		{"weekly panel", func(c *Config) { c.PanelGranularity = "week" }, []string{"panel_granularity"}},
		{"empty segment", func(c *Config) { c.Segments = []string{"office", ""} }, []string{"segments[1]"}},
		{"segment with spaces", func(c *Config) { c.Segments = []string{"Office Workers"} }, []string{"segments[0]"}},
		{"duplicate segment", func(c *Config) { c.Segments = []string{"office", "mobile", "office"} }, []string{"segments[2]"}},
		{"every problem at once", func(c *Config) { c.Start = "x"; c.Months = -3; c.PanelGranularity = "day" },
			[]string{"start", "months", "panel_granularity"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			if len(tc.params) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors naming %v", tc.params)
			}
			if !imscope.IsInvalid(err) {
				t.Errorf("Validate() = %v, not an InvalidError", err)
			}
			for _, p := range tc.params {
				if !namesParam(err, p) {
					t.Errorf("Validate() = %v, does not name %q", err, p)
				}
			}
			if _, err := New("x", c, Options{}); err == nil || !strings.Contains(err.Error(), tc.params[0]) {
				t.Errorf("New() = %v, want the error naming %q", err, tc.params[0])
			}
		})
	}
}

// namesParam reports whether err holds an InvalidError for param.
func namesParam(err error, param string) bool {
	if ie, ok := err.(*imscope.InvalidError); ok {
		return ie.Param == param
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if namesParam(e, param) {
				return true
			}
		}
	}
	var ie *imscope.InvalidError
	return errors.As(err, &ie) && ie.Param == param
}

func TestWindow(t *testing.T) {
	tests := []struct {
		start    string
		months   int
		from, to string
		periods  int // quarterly panel periods
	}{
		{"", 0, "2010-01-01", "2013-01-01", 12},
		{"2011-02", 7, "2011-02-01", "2011-09-01", 1}, // only 2011-Q2 is whole
		{"2012-06", 1, "2012-06-01", "2012-07-01", 0},
	}
	for _, tc := range tests {
		t.Run(tc.from, func(t *testing.T) {
			s, err := New("w", Config{Start: tc.start, Months: tc.months}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			from, to := s.Window()
			if got := from.Format("2006-01-02"); got != tc.from {
				t.Errorf("start = %s, want %s", got, tc.from)
			}
			if got := to.Format("2006-01-02"); got != tc.to {
				t.Errorf("end = %s, want %s", got, tc.to)
			}
			if got := len(s.PanelPeriods()); got != tc.periods {
				t.Errorf("%d panel periods, want %d", got, tc.periods)
			}
		})
	}
}
