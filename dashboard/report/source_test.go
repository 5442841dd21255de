package report

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/pages"
)

// TestReportPublishedSource: a report with `source: published` draws its
// share and concentration sections from the published figures (the demo
// publishes the seed's 2010-Q3), says so in its summary with the HHI range
// the "< 1%" rows allow, and exports CSVs that name the source — in
// English and in Chinese.
func TestReportPublishedSource(t *testing.T) {
	r, err := NewPageRenderer(dashtest.Options(t).Options, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{pages.LangEN, pages.LangZH} {
		def := Definition{Name: "published", Location: time.UTC, Granularity: imscope.Quarter,
			Sections: []Section{SectionShare, SectionConcentration}, Language: lang, Source: "published"}
		p, err := ParsePeriod("2010-Q3", time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		out, err := r.Render(context.Background(), def, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Analysys International", "users", "5982.6", "5984.3"} {
			if !strings.Contains(out.Summary, want) {
				t.Errorf("%s: the summary lacks %q: %s", lang, want, out.Summary)
			}
		}
		if !strings.Contains(string(out.HTML), `id="share-source"`) {
			t.Errorf("%s: the share section does not say its figures are published", lang)
		}
		zr, err := zip.NewReader(bytes.NewReader(out.ZIP), int64(len(out.ZIP)))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range zr.File {
			if !strings.Contains(f.Name, "concentration") || !strings.HasSuffix(f.Name, ".csv") {
				continue
			}
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if strings.Contains(string(b), "hhi_min") && strings.Contains(string(b), ",published,Analysys International,users") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no concentration CSV naming the published source", lang)
		}
	}
}
