package csvimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// input is an opened file or HTTP response body.
type input struct {
	r    io.ReadCloser
	size int64 // bytes, -1 when unknown
}

// opener opens the input afresh; strict mode reads it twice.
type opener func(ctx context.Context) (*input, error)

// open opens the configured file or fetches the configured URL.
func (s *Source) open(ctx context.Context) (*input, error) {
	if s.cfg.URL != "" {
		return s.fetch(ctx)
	}
	return openFile(s.cfg.Path)
}

func openFile(path string) (*input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open the csv file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot open the csv file: %w", err)
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("cannot open the csv file: %s is a directory", path)
	}
	return &input{r: f, size: st.Size()}, nil
}

// fetch GETs the URL. Anything but 200 OK is an error that quotes the start
// of the server's answer, which usually says what went wrong.
func (s *Source) fetch(ctx context.Context) (*input, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("cannot fetch %s: %w", s.where, err)
	}
	req.Header.Set("Accept", "text/csv, text/plain;q=0.9, */*;q=0.5")
	resp, err := s.client.Do(req)
	if err != nil {
		// url.Error repeats the whole URL, query string (tokens) included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("cannot fetch %s: %w", s.where, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		msg := fmt.Sprintf("cannot fetch %s: the server answered %s", s.where, resp.Status)
		if t := strings.TrimSpace(string(head)); t != "" {
			msg += ": " + quote(t)
		}
		return nil, errors.New(msg)
	}
	return &input{r: resp.Body, size: resp.ContentLength}, nil
}

// stage downloads the URL into a temporary file, for strict mode to read
// twice without fetching twice (the second answer could differ from the
// one checked). The caller removes the file with cleanup.
func (s *Source) stage(ctx context.Context) (open opener, cleanup func(), err error) {
	in, err := s.fetch(ctx)
	if err != nil {
		return nil, func() {}, err
	}
	defer in.r.Close()
	f, err := os.CreateTemp("", "imscope-csvimport-*")
	if err != nil {
		return nil, func() {}, fmt.Errorf("cannot stage %s: %w", s.where, err)
	}
	cleanup = func() { f.Close(); os.Remove(f.Name()) }
	prog := newProgress(s.opts.Progress, s.opts.ProgressIsTerminal, "downloading "+s.where, in.size)
	prog.bytesOnly = true
	if _, err := io.Copy(f, prog.counter(in.r)); err != nil {
		cleanup()
		return nil, func() {}, fmt.Errorf("cannot stage %s: %w", s.where, err)
	}
	prog.done(0)
	if err := f.Close(); err != nil {
		cleanup()
		return nil, func() {}, fmt.Errorf("cannot stage %s: %w", s.where, err)
	}
	name := f.Name()
	return func(context.Context) (*input, error) { return openFile(name) }, cleanup, nil
}

// displayURL is the URL as messages and logs show it: without user
// information, query or fragment, which may carry credentials.
func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unparsable URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}
