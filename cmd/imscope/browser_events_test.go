package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Events in a real browser: events with hostile titles, loaded by the
// real `imscope import events`, are drawn on the Market share page's time
// charts — the line's label is the title as text, the tooltip escapes it —
// listed under the charts and on the Events page as text, and no script
// of theirs runs (a dialog, a console error or an injected element fails
// the test).

// hostileEvents is the events file: titles that try to end a script,
// open an element, and garble a label's template.
const hostileEvents = "date,title,description,networks,link\n" +
	"2010-08-15,\"</script><script>alert(1)</script>\",\"\"\"><img src=x onerror=alert(2)>\",,https://example.org/a\n" +
	"2010-11-03,\"3Q war <img src=x onerror=alert(3)> {b} {c|x}\",QQ makes its users choose,qq,https://en.wikipedia.org/wiki/360_v._Tencent\n"

func TestBrowserEvents(t *testing.T) {
	exe := chromiumPath(t)
	const database = "browser_events"
	file := filepath.Join(t.TempDir(), "events.csv")
	if err := os.WriteFile(file, []byte(hostileEvents), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	args := []string{"import", "events", file, "--data", sharedData(), "--database", database, "--libchdb", projectLibrary(t)}
	if err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("import events: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "2 rows read: 2 new") {
		t.Errorf("import events said %q", stdout.String())
	}
	base, stop := startServeEnv(t, database, nil, "--demo")
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	waitForDemo(t, base)
	u, _ := url.Parse(base)
	s := &browserSession{base: base, w: &watcher{host: u.Host}, shots: artifactsDir(t)}
	ctx, cancel := startChromium(t, exe, s.w)
	defer cancel()
	s.ctx = ctx

	t.Run("share", s.checkShareEvents)
	t.Run("dark and phone", s.checkShareEventsDarkPhone)
	t.Run("events page", s.checkEventsPage)
}

// checkShareEventsDarkPhone: the marked charts in the dark theme, then at
// a phone's width, stay readable (no title over a label or an axis).
func (s *browserSession) checkShareEventsDarkPhone(t *testing.T) {
	const path = "/share?from=2010-07&to=2011-04&granularity=quarter&lang=zh-CN&theme=dark"
	s.checkPage(t, "share-events-dark", path, []string{"share-trend", "concentration"})
	if err := chromedp.Do(s.ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	s.checkNarrow(t, path, 390)
	if shot, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(s.shots, "share-events-dark-phone.png"), shot, 0o644)
	}
	_ = chromedp.Do(s.ctx, chromedp.EmulateViewport(1280, 1600))
	s.check(t, "dark and phone")
}

// eventTitles are the titles as the file gives them.
var eventTitles = []string{`</script><script>alert(1)</script>`, `3Q war <img src=x onerror=alert(3)> {b} {c|x}`}

// checkShareEvents: both events on the share trend and concentration, as
// drawn text and as escaped tooltips, and listed under the charts.
func (s *browserSession) checkShareEvents(t *testing.T) {
	s.checkPage(t, "share-events", "/share?from=2010-07&to=2011-04&granularity=quarter&lang=en&theme=light", []string{"share-trend", "concentration"})
	type drawn struct {
		Labels, Tooltips, Listed []string
	}
	got, err := chromedp.Run(s.ctx, chromedp.Evaluate[map[string]drawn](`(() => {
  const out = {};
  ["share-trend", "concentration"].forEach(id => {
    const inst = echarts.getInstanceByDom(document.getElementById(id));
    const d = { Labels: [], Tooltips: [], Listed: [] };
    inst.getZr().storage.getDisplayList(true).forEach(el => {
      const text = el.style && el.style.text;
      if (typeof text === "string" && (text.startsWith("3Q war") || text.startsWith("</script"))) { d.Labels.push(text); }
    });
    inst.getOption().series.forEach(s => {
      if (s.markLine && s.markLine.imEvents) {
        s.markLine.data.forEach(m => d.Tooltips.push(s.markLine.tooltip.formatter({ name: m.name, data: m })));
      }
    });
    document.querySelectorAll("#" + id + "-card [data-events] li").forEach(li => d.Listed.push(li.textContent));
    out[id] = d;
  });
  return out;
})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"share-trend", "concentration"} {
		d := got[id]
		joined := strings.Join(d.Listed, "\n")
		for _, title := range eventTitles {
			if !strings.Contains(joined, title) {
				t.Errorf("%s: %q is not listed under the chart as text (%q)", id, title, d.Listed)
			}
			if !strings.Contains(strings.Join(d.Labels, "\n"), title) {
				// A label is cut to its width: its start must be drawn.
				if !strings.Contains(strings.Join(d.Labels, "\n"), title[:8]) {
					t.Errorf("%s: no line is labelled %q (labels %q)", id, title, d.Labels)
				}
			}
		}
		if len(d.Tooltips) != 2 {
			t.Errorf("%s: %d event lines, want 2 (the quarters 2010-Q3 and 2010-Q4)", id, len(d.Tooltips))
		}
		for _, tip := range d.Tooltips {
			if strings.Contains(tip, "<img") || strings.Contains(tip, "<script") || !strings.Contains(tip, "&lt;") {
				t.Errorf("%s: tooltip %q is not escaped", id, tip)
			}
		}
	}
	s.checkInjected(t)
	s.check(t, "share events")
}

// checkEventsPage: the Events page lists both, titles as text, with their
// links; then at a phone's width.
func (s *browserSession) checkEventsPage(t *testing.T) {
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+"/events?lang=en"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	titles, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("[data-event-title]")).map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(titles, "\n") != strings.Join(eventTitles, "\n") {
		t.Errorf("the Events page lists %q, want %q", titles, eventTitles)
	}
	links, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#events tbody a")).map(a => a.href)`))
	if err != nil || len(links) != 2 || links[1] != "https://en.wikipedia.org/wiki/360_v._Tencent" {
		t.Errorf("links %q (%v)", links, err)
	}
	s.checkInjected(t)
	if err := chromedp.Do(s.ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("footer")), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if err != nil || wide {
		t.Errorf("the Events page scrolls sideways at a phone's width (%v)", err)
	}
	if shot, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(s.shots, "events-phone.png"), shot, 0o644)
	}
	_ = chromedp.Do(s.ctx, chromedp.EmulateViewport(1280, 1600))
	s.check(t, "events page")
}

// checkInjected fails t when the page holds an element a title injected.
func (s *browserSession) checkInjected(t *testing.T) {
	t.Helper()
	n, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](`document.querySelectorAll('img[src="x"], main script:not([type="application/json"])').length`))
	if err != nil || n != 0 {
		t.Errorf("%d injected elements (%v)", n, err)
	}
}
