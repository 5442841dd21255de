package csvimport

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/imscope/imscope/collector"
)

// Options are what the caller provides besides the configuration: where to
// log, how to reach the network and the environment, and where a person
// watches progress. The zero value works (no logging, no progress bar).
type Options struct {
	// Logger receives one line per import; nil discards. Rows, cells and
	// panel ids are never logged.
	Logger *slog.Logger
	// HTTPClient fetches URL sources; nil uses a client without an overall
	// timeout (a big file may take long; the context bounds it).
	HTTPClient *http.Client
	// Getenv reads the panel hashing key; nil uses os.Getenv.
	Getenv func(string) string
	// Progress receives a progress bar when ProgressIsTerminal is set
	// (pass os.Stderr and whether it is a terminal); otherwise nothing is
	// drawn.
	Progress           io.Writer
	ProgressIsTerminal bool
	// MaxProblems, when positive, is how many bad rows are reported one by
	// one; past it, bad rows are still counted and skipped, and one last
	// Problem says how many were not listed. Zero lists every bad row,
	// which the collector runner wants (it keeps the first few and counts
	// the rest); `imscope import` printing to a terminal may want a limit.
	MaxProblems int
	// Where, when set, is how problems and the log name the input — the
	// name a person gave an uploaded file, rather than the path it was
	// staged at. Whether to decompress is still decided by Path or URL.
	Where string
	// OnHeader, OnRejected and OnProgress let the caller follow an import
	// as it reads, without parsing Problems' text: the header row as read,
	// every rejected record as read (its first line, its raw cells — a
	// panel file's raw user ids among them, so keep them only where the
	// file itself may be — and its problems, each with Line, Column and
	// Field), and how far the input is read (bytes, compressed if it is,
	// and records) every 1,024 records and at the end. checking is set
	// while a strict import checks the file, before the pass that
	// emits. The slices are valid only during the call. Each may be nil.
	OnHeader   func(cells []string)
	OnRejected func(line int, cells []string, problems []collector.Problem)
	OnProgress func(bytesRead, records int64, checking bool)
}

// Source is a configured CSV import. It implements collector.Source; each
// Collect reads the whole file again.
type Source struct {
	name   string
	cfg    Config
	enc    textEncoding
	input  string // the file or redacted URL
	where  string // the input as Problems name it: Options.Where, else input
	label  string // Sample.Source
	log    *slog.Logger
	client *http.Client
	key    []byte // panel hashing key; never logged
	opts   Options
}

var _ collector.Source = (*Source)(nil)

// Summary counts what an import did.
type Summary struct {
	Records  int64 // data records read, the header excluded: Landed + Rejected + Blank
	Landed   int64 // rows handed to emit
	Rejected int64 // records reported as Problems and not emitted
	Blank    int64 // records whose every cell is blank (",,,,"), skipped silently
	Bytes    int64 // bytes read from the file or response (compressed, if it is)
}

// New checks the configuration and returns the source. A panel source reads
// its hashing key here and refuses to start without one, so a scheduled
// collector fails at start-up rather than at its first run.
func New(name string, cfg Config, opts Options) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("csv source %s: %w", name, err)
	}
	enc, _ := encodingOf(cfg.Encoding)
	s := &Source{name: name, cfg: cfg, enc: enc, label: cfg.Source, log: opts.Logger, client: opts.HTTPClient, opts: opts}
	if s.label == "" {
		s.label = name
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.client == nil {
		s.client = &http.Client{}
	}
	if s.opts.Getenv == nil {
		s.opts.Getenv = os.Getenv
	}
	s.input = cfg.Path
	if cfg.URL != "" {
		s.input = displayURL(cfg.URL)
	}
	s.where = s.input
	if opts.Where != "" {
		s.where = opts.Where
	}
	if cfg.Kind == KindPanel {
		key, err := panelKey(cfg.panelKeyEnv(), s.opts.Getenv)
		if err != nil {
			return nil, fmt.Errorf("csv source %s: %w", name, err)
		}
		s.key = key
	}
	return s, nil
}

// panelKey reads the hashing key and explains how to set one if it is
// missing or too short.
func panelKey(env string, getenv func(string) string) ([]byte, error) {
	key := getenv(env)
	how := fmt.Sprintf("set %s to a random secret of at least %d characters, e.g. `export %s=$(openssl rand -hex 32)`, and keep it: "+
		"every panel import must use the same key for a user to keep the same user_key (panel_key_env names another variable)", env, MinPanelKeyLen, env)
	switch {
	case key == "":
		return nil, invalid("panel_key_env", fmt.Sprintf("panel user ids are hashed with a secret key, and %s is not set; %s", env, how))
	case len(key) < MinPanelKeyLen:
		return nil, invalid("panel_key_env", fmt.Sprintf("%s holds %d characters, too short to keep user ids secret; %s", env, len(key), how))
	}
	return []byte(key), nil
}

// Collect reads the file once and hands its rows to emit, chunk by chunk.
// Bad rows are Problems in the batches and do not fail the collection; in
// strict mode any bad row fails it before anything is emitted.
func (s *Source) Collect(ctx context.Context, emit collector.Emit) error {
	_, err := s.Import(ctx, emit)
	return err
}

// Import is Collect that also says what it did, for `imscope import` to
// print.
func (s *Source) Import(ctx context.Context, emit collector.Emit) (Summary, error) {
	start := time.Now()
	var sum Summary
	var err error
	if s.cfg.Strict {
		sum, err = s.importStrict(ctx, emit)
	} else {
		sum, err = s.importFrom(ctx, s.open, emit)
	}
	secs := time.Since(start).Seconds()
	attrs := []any{"source", s.name, "kind", string(s.cfg.Kind), "from", s.where,
		"records", sum.Records, "landed", sum.Landed, "rejected", sum.Rejected, "bytes", sum.Bytes, "seconds", secs}
	switch {
	case err != nil:
		s.log.Error("csv import failed", append(attrs, "err", err)...)
	case sum.Rejected > 0:
		s.log.Warn("csv import skipped bad rows", attrs...)
	default:
		s.log.Info("csv import done", attrs...)
	}
	return sum, err
}
