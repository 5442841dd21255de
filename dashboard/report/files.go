package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/respond"
)

// manifestEntry describes one CSV of a report's ZIP.
type manifestEntry struct {
	File     string            `json:"file"`
	Section  string            `json:"section"`
	Endpoint string            `json:"endpoint"` // the API path that answers the same question
	Query    map[string]string `json:"query"`    // its parameters, as normalised
	Table    string            `json:"table"`
	Rows     int               `json:"rows"`
	Columns  []api.Column      `json:"columns"`
}

type manifest struct {
	Report    string          `json:"report"`
	Period    string          `json:"period"`
	Previous  string          `json:"previous"`
	Generated time.Time       `json:"generated"`
	Files     []manifestEntry `json:"files"`
}

// zip writes the CSV of every exported table — the API's own CSV for the
// same question, byte for byte — and manifest.json, which says for each
// file the question it answers and its columns.
func (r *PageRenderer) zip(ctx context.Context, def Definition, p Periods, exports []export) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	m := manifest{Report: def.Name, Period: p.Current.Label, Previous: p.Previous.Label, Generated: r.now().UTC()}
	// Every entry is dated when the run made it (without a date, zip
	// readers show 1980-00-00).
	create := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: m.Generated})
	}
	for _, e := range exports {
		path := e.Endpoint[len(respond.APIPrefix):]
		params := url.Values{}
		for k, v := range e.Query {
			if v != "" {
				params.Set(k, v)
			}
		}
		res, _, err := r.api.Ask(ctx, path, params)
		if err != nil {
			return nil, fmt.Errorf("report %s: cannot export %s: %w", def.Name, e.File, err)
		}
		spec := r.api.Endpoint(path).Table(e.Table)
		rows := res.Rows(spec.Name)
		body, err := api.RenderCSV(spec, rows)
		if err != nil {
			return nil, fmt.Errorf("report %s: cannot export %s: %w", def.Name, e.File, err)
		}
		w, err := create(e.File)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(body); err != nil {
			return nil, err
		}
		m.Files = append(m.Files, manifestEntry{File: e.File, Section: e.Section, Endpoint: e.Endpoint, Query: e.Query, Table: spec.Name, Rows: len(rows), Columns: spec.Columns})
	}
	w, err := create("manifest.json")
	if err != nil {
		return nil, err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("report %s: cannot write the ZIP: %w", def.Name, err)
	}
	return buf.Bytes(), nil
}

// pdfTimeout bounds Chromium's part: start, load, draw, print.
const pdfTimeout = 2 * time.Minute

// pdf prints the report's HTML with headless Chromium: each section starts
// a page (the print stylesheet says so), charts drawn as SVG first. Without
// Chromium, or when it fails, there is no PDF and the note says why; the
// HTML and the ZIP are delivered all the same.
func (r *PageRenderer) pdf(ctx context.Context, html []byte) ([]byte, string) {
	if r.chromium == "" {
		return nil, "Chromium is not installed (Debian package chromium); the HTML and CSV were delivered"
	}
	dir, err := os.MkdirTemp("", "imscope-report-")
	if err != nil {
		return nil, err.Error()
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, html, 0o600); err != nil {
		return nil, err.Error()
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(r.chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1100, 1400), chromedp.UserDataDir(filepath.Join(dir, "profile")))
	// Chromium stops with the run: a shutdown ends printing at once, and
	// Render then fails the run so that it is rendered again on resume.
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+file)); err != nil {
		return nil, "Chromium could not open the report: " + err.Error()
	}
	tctx, cancelT := context.WithTimeout(bctx, pdfTimeout)
	defer cancelT()
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`document.querySelectorAll("[data-chart]:not([data-drawn])").length === 0`, chromedp.WithPollingTimeout(time.Minute))); err != nil {
		return nil, "the charts were not drawn: " + err.Error()
	}
	pdf, err := chromedp.Run(tctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFMargin(0.4), chromedp.PDFPrintBackground(),
		func(p *page.PrintToPDFParams) { p.PreferCSSPageSize = new(true) }))
	if err != nil {
		return nil, "Chromium could not print the report: " + err.Error()
	}
	return pdf, ""
}
