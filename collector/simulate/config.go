package simulate

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/imscope/imscope"
)

// Config is the demo market's configuration (the `simulate` collector kind).
// A zero field means its default, so Config{} is the default demo.
type Config struct {
	// Seed selects the simulated world; the same seed always produces the
	// same rows. 0 means the default, 1.
	Seed int64 `yaml:"seed"`
	// Start is the first month of the history, "YYYY-MM" (default "2010-01").
	Start string `yaml:"start"`
	// Months is the length of the history (default 36). The history ends
	// (exclusive) at the first instant after the last month: with the
	// defaults, 2013-01-01 00:00 UTC. Live mode continues from there.
	Months int `yaml:"months"`
	// PanelUsers is the panel's size in its first period (default 200000);
	// it grows ~1% a quarter through entrants.
	PanelUsers int `yaml:"panel_users"`
	// PanelGranularity is the length of a panel period: "quarter"
	// (default) or "month".
	PanelGranularity string `yaml:"panel_granularity"`
	// Segments partition the users (default students, office, mobile,
	// home). The whole market, segment "", is always emitted as well and
	// equals the sum of the segment rows. A name without a built-in
	// profile behaves like the market average.
	Segments []string `yaml:"segments"`
	// Source is the label written into every row's source column
	// (default "demo").
	Source string `yaml:"source"`
	// TrafficOnlyLive makes live mode emit bridge traffic only, no usage
	// samples. `imscope serve --demo` sets it: the usage pages then open
	// on the history (the 2010–2012 market) instead of on a lone live
	// month, while the Bridges page shows today's traffic.
	TrafficOnlyLive bool `yaml:"traffic_only_live"`
}

// Defaults.
const (
	DefaultSeed       = 1
	DefaultStart      = "2010-01"
	DefaultMonths     = 36
	DefaultPanelUsers = 200_000
	DefaultSource     = "demo"
)

// Limits that keep a typo from asking for a dataset that does not fit.
const (
	maxMonths     = 240
	maxPanelUsers = 5_000_000
	maxSegments   = 16
)

// DefaultConfig returns the default demo: 2010-01 to 2012-12, a 200,000-user
// quarterly panel, four segments.
func DefaultConfig() Config {
	return Config{
		Seed:             DefaultSeed,
		Start:            DefaultStart,
		Months:           DefaultMonths,
		PanelUsers:       DefaultPanelUsers,
		PanelGranularity: string(imscope.Quarter),
		Segments:         append([]string(nil), DefaultSegments...),
		Source:           DefaultSource,
	}
}

// withDefaults fills zero fields.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Seed == 0 {
		c.Seed = d.Seed
	}
	if c.Start == "" {
		c.Start = d.Start
	}
	if c.Months == 0 {
		c.Months = d.Months
	}
	if c.PanelUsers == 0 {
		c.PanelUsers = d.PanelUsers
	}
	if c.PanelGranularity == "" {
		c.PanelGranularity = d.PanelGranularity
	}
	if len(c.Segments) == 0 {
		c.Segments = d.Segments
	}
	if c.Source == "" {
		c.Source = d.Source
	}
	return c
}

// Validate checks the config (zero fields count as their defaults) and
// reports every problem, each an *imscope.InvalidError naming its key.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &imscope.InvalidError{Param: key, Message: fmt.Sprintf(format, args...)})
	}
	if _, err := time.Parse("2006-01", c.Start); err != nil {
		bad("start", "%q is not a month (YYYY-MM)", c.Start)
	}
	if c.Months < 1 || c.Months > maxMonths {
		bad("months", "%d is not between 1 and %d", c.Months, maxMonths)
	}
	if c.PanelUsers < 1 || c.PanelUsers > maxPanelUsers {
		bad("panel_users", "%d is not between 1 and %d", c.PanelUsers, maxPanelUsers)
	}
	if g := imscope.Granularity(c.PanelGranularity); g != imscope.Quarter && g != imscope.Month {
		bad("panel_granularity", "%q is not quarter or month", c.PanelGranularity)
	}
	if len(c.Segments) > maxSegments {
		bad("segments", "%d segments, at most %d", len(c.Segments), maxSegments)
	}
	seen := map[string]bool{}
	for i, s := range c.Segments {
		key := fmt.Sprintf("segments[%d]", i)
		switch {
		case s == "":
			bad(key, "empty; the whole market (segment \"\") is always emitted")
		case !segmentName(s):
			bad(key, "%q: use lowercase letters, digits, '_' and '-'", s)
		case seen[s]:
			bad(key, "%q is listed twice", s)
		}
		seen[s] = true
	}
	return errors.Join(errs...)
}

func segmentName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

// Options are the run-time dependencies of a Source.
type Options struct {
	// Logger receives progress and summaries; nil discards them.
	Logger *slog.Logger
	// Now is the clock live mode reads; nil means time.Now.
	Now func() time.Time
}
