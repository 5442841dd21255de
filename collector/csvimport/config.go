package csvimport

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/imscope/imscope"
)

// Kind is what a CSV file holds; it decides the columns the header must have
// and the table its rows land in.
type Kind string

const (
	// KindReports is published market shares:
	// period,publisher,basis,network,share_pct[,bound][,note].
	KindReports Kind = "reports"
	// KindPanel is panel activity:
	// period,user_id,network[,segment],active_days,messages.
	KindPanel Kind = "panel"
	// KindUsage is usage samples: ts,network,metric,value[,segment].
	KindUsage Kind = "usage"
	// KindEvents is market events drawn on the charts:
	// date,title[,description][,networks][,bridges][,link][,id].
	KindEvents Kind = "events"
)

// Kinds lists the kinds in the order help texts show them.
var Kinds = []Kind{KindReports, KindPanel, KindUsage, KindEvents}

const (
	// DefaultChunkRows is how many rows go into one collector.Batch when
	// Config.ChunkRows is 0: big enough for efficient inserts, small enough
	// that a chunk of panel rows stays a few megabytes.
	DefaultChunkRows = 50_000
	// MaxChunkRows bounds Config.ChunkRows, so a typo cannot make one batch
	// hold a whole multi-gigabyte file.
	MaxChunkRows = 1_000_000
	// DefaultPanelKeyEnv is the variable the panel hashing key is read from
	// when Config.PanelKeyEnv is empty.
	DefaultPanelKeyEnv = "IMSCOPE_PANEL_KEY"
)

// Config is one CSV source, as written under a collector in the YAML config.
// Exactly one of Path and URL is set.
type Config struct {
	// Path is a local file. A name ending in .gz is decompressed.
	Path string `yaml:"path"`
	// URL is an http or https address fetched with GET. A path ending in .gz
	// is decompressed.
	URL string `yaml:"url"`
	// Kind is reports, panel, usage or events.
	Kind Kind `yaml:"kind"`
	// Encoding is utf-8 (the default; a byte-order mark is skipped), gbk
	// (also spelt cp936) or gb18030.
	Encoding string `yaml:"encoding"`
	// Strict loads nothing unless every row is good: the file is checked
	// whole first, and only then read again and emitted.
	Strict bool `yaml:"strict"`
	// PanelKeyEnv names the environment variable holding the secret that
	// panel user ids are hashed with (default IMSCOPE_PANEL_KEY). Only panel
	// imports need it, and they refuse to start without it.
	PanelKeyEnv string `yaml:"panel_key_env"`
	// Source is the label usage samples carry in their source column;
	// the collector's name when empty.
	Source string `yaml:"source"`
	// ChunkRows is how many rows go into one batch (default 50,000).
	ChunkRows int `yaml:"chunk_rows"`
}

// ConfigFor is the configuration `imscope import KIND LOCATION` starts from:
// an http:// or https:// location is a URL, anything else a path.
func ConfigFor(kind Kind, location string) Config {
	if l := strings.ToLower(location); strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
		return Config{Kind: kind, URL: location}
	}
	return Config{Kind: kind, Path: location}
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate checks the configuration without touching the file, the network
// or the environment, and names the first bad key in an
// *imscope.InvalidError.
func (c Config) Validate() error {
	switch {
	case c.Path == "" && c.URL == "":
		return invalid("path", "set path (a local file) or url (an http or https address)")
	case c.Path != "" && c.URL != "":
		return invalid("url", "set path or url, not both")
	}
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // without the URL, which may hold a password
			}
			return invalid("url", fmt.Sprintf("not a valid URL: %v", err))
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return invalid("url", fmt.Sprintf("%q: only http and https URLs can be fetched", displayURL(c.URL)))
		}
		if u.Host == "" {
			return invalid("url", fmt.Sprintf("%q has no host", displayURL(c.URL)))
		}
	}
	switch c.Kind {
	case KindReports, KindPanel, KindUsage, KindEvents:
	case "":
		return invalid("kind", "required: reports, panel, usage or events")
	default:
		return invalid("kind", fmt.Sprintf("%q is not one of reports, panel, usage, events", string(c.Kind)))
	}
	if _, err := encodingOf(c.Encoding); err != nil {
		return err
	}
	if c.PanelKeyEnv != "" && !envNameRE.MatchString(c.PanelKeyEnv) {
		return invalid("panel_key_env", fmt.Sprintf("%q is not an environment variable name (letters, digits, _)", c.PanelKeyEnv))
	}
	if c.ChunkRows < 0 || c.ChunkRows > MaxChunkRows {
		return invalid("chunk_rows", fmt.Sprintf("%d is not between 1 and %d (0 means %d)", c.ChunkRows, MaxChunkRows, DefaultChunkRows))
	}
	return nil
}

func (c Config) chunkRows() int {
	if c.ChunkRows == 0 {
		return DefaultChunkRows
	}
	return c.ChunkRows
}

func (c Config) panelKeyEnv() string {
	if c.PanelKeyEnv == "" {
		return DefaultPanelKeyEnv
	}
	return c.PanelKeyEnv
}

func invalid(param, msg string) error {
	return &imscope.InvalidError{Param: param, Message: msg}
}
