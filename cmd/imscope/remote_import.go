package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/csvimport"
	"github.com/imscope/imscope/collector/importjob"
)

// importSpec is what `imscope import` was asked to load.
type importSpec struct {
	cfg      csvimport.Config
	location string // the file or URL as given
}

// remoteImport sends the file to the server (POST /api/v1/imports), which
// stores it and imports it as a job, then follows the job to its end and
// prints its run — the progress bars and the lines of a local import.
// Stopping the command while it uploads leaves nothing on the server;
// once the upload is whole the server finishes the import regardless.
func remoteImport(ctx context.Context, env *environment, s *serverClient, spec importSpec) error {
	body, size, err := openUpload(ctx, spec.location)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer body.Close()
	name := filepath.Base(spec.location)
	if u, err := url.Parse(spec.location); err == nil && u.Scheme != "" && u.Host != "" {
		name = filepath.Base(u.Path)
	}
	q := url.Values{"kind": {string(spec.cfg.Kind)}, "file": {name}, "strict": {strconv.FormatBool(spec.cfg.Strict)}}
	if spec.cfg.Encoding != "" {
		q.Set("encoding", spec.cfg.Encoding)
	}
	if spec.cfg.Source != "" {
		q.Set("source", spec.cfg.Source)
	}
	term := isTerminal(env.stderr)
	up := csvimport.NewBar(env.stderr, term, "uploading "+spec.location, size, true)
	req, err := s.request(ctx, http.MethodPost, "/imports", q, up.Counter(body))
	if err != nil {
		return err
	}
	req.ContentLength = size // -1: unknown, sent chunked
	req.Header.Set("Content-Type", "text/csv")
	resp, err := s.do(req)
	if err != nil {
		return err
	}
	var job importjob.Job
	err = s.decode(resp, &job)
	resp.Body.Close()
	up.Done(0)
	if err != nil {
		return fmt.Errorf("import of %s: %w", spec.location, err)
	}
	run, err := followImport(ctx, env, s, job.ID, spec.location, term)
	if err != nil {
		return err
	}
	printRun(env.stdout, run)
	return runFailed(run, "import of "+spec.location)
}

// followImport polls the job until it has ended and returns its run,
// drawing the bars a local import draws: a strict import's checking pass,
// then the import.
func followImport(ctx context.Context, env *environment, s *serverClient, id, label string, term bool) (collector.Run, error) {
	var bar *csvimport.Bar
	checking := false
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		var job importjob.Job
		if err := s.call(ctx, http.MethodGet, "/imports/"+url.PathEscape(id), nil, nil, &job); err != nil {
			if ctx.Err() != nil {
				return collector.Run{}, stoppedFollowing(id)
			}
			return collector.Run{}, err
		}
		if bar != nil && checking && !job.Checking {
			bar.Done(job.RowsRead) // the checking pass is over
			bar = nil
		}
		if bar == nil && job.State != importjob.Queued {
			checking = job.Checking
			l := label
			if checking {
				l = "checking " + label
			}
			bar = csvimport.NewBar(env.stderr, term, l, job.Bytes, false)
		}
		if bar != nil {
			bar.Update(job.BytesRead, job.RowsRead)
		}
		if job.State.Finished() {
			if bar != nil {
				bar.Done(job.RowsRead)
			}
			if job.Run == nil {
				return collector.Run{}, fmt.Errorf("import of %s failed: %s", label, job.Error)
			}
			return *job.Run, nil
		}
		select {
		case <-ctx.Done():
			return collector.Run{}, stoppedFollowing(id)
		case <-tick.C:
		}
	}
}

// stoppedFollowing says that the command stopped but the import did not.
func stoppedFollowing(id string) error {
	return fmt.Errorf("stopped following import %s; the server goes on with it (GET /api/v1/imports/%s, or the Data page)", id, id)
}

// openUpload opens the file to send, or fetches the URL to pass on: the
// server is sent the bytes, so it needs no access to the file or the URL.
// size is -1 when unknown.
func openUpload(ctx context.Context, location string) (io.ReadCloser, int64, error) {
	if strings.HasPrefix(location, "http://") || strings.HasPrefix(location, "https://") {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, location, nil)
		if err != nil {
			return nil, 0, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // the URL may carry credentials
			}
			return nil, 0, fmt.Errorf("cannot fetch the file: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, 0, fmt.Errorf("cannot fetch the file: the server answered %s", resp.Status)
		}
		return resp.Body, resp.ContentLength, nil
	}
	f, err := os.Open(location)
	if err != nil {
		return nil, 0, fmt.Errorf("cannot open the csv file: %w", err)
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		return nil, 0, fmt.Errorf("cannot open the csv file: %s is not a file", location)
	}
	return f, st.Size(), nil
}
