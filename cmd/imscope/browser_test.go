package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser test drives Debian's Chromium (headless) through every page
// of `imscope serve --demo`, with hostile network names imported first, and
// fails on any console error, uncaught exception, failed or foreign
// request, or JavaScript dialog (an alert() that ran). Screenshots of each
// page go to artifacts/screenshots (IMSCOPE_ARTIFACTS overrides).

// updateScreenshot rewrites docs/screenshot.png, the README's picture of
// the Market share page (go test ./cmd/imscope -run TestBrowser
// -update-screenshot).
var updateScreenshot = flag.Bool("update-screenshot", false, "rewrite docs/screenshot.png from the Market share page")

// hostileNames are imported as network ids; each tries to run script.
var hostileNames = []string{
	`</script><script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
}

// browserPages are the pages and the charts each must draw.
var browserPages = []struct {
	name, path string
	charts     []string
}{
	{"overview", "/", []string{"overview-trend"}},
	{"share", "/share", []string{"share-trend", "share-latest", "concentration"}},
	{"share-2010", "/share?from=2010-01&to=2011-01&granularity=quarter", []string{"share-trend", "published"}},
	{"share-published", "/share?from=2010-07&to=2010-10&granularity=quarter&source=published", []string{"share-trend", "concentration", "published"}},
	{"migration", "/migration", []string{"sankey", "transitions", "netflow", "forecast"}},
	{"reach", "/reach?merge=fetion,msn&bridges=hub%3Dqq", []string{"per-user", "network-users", "overlap", "reachability"}},
	{"bridges", "/bridges", []string{"bridge-graph"}},
	{"collectors", "/collectors", nil},
	{"alerts", "/alerts", nil},
	{"reports", "/reports", nil},
}

// watcher collects what must not happen in a page.
type watcher struct {
	mu       sync.Mutex
	host     string
	problems []string
	dialogs  []string
}

func (w *watcher) add(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

func (w *watcher) take() (problems, dialogs []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	problems, dialogs = w.problems, w.dialogs
	w.problems, w.dialogs = nil, nil
	return problems, dialogs
}

func (w *watcher) listen(ctx context.Context) error {
	return chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value))
				}
				w.add("console %s: %s", e.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			w.add("uncaught exception: %s", (&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
		case *network.EventRequestWillBeSent:
			if u, err := url.Parse(e.Request.URL); err == nil && u.Scheme != "data" && u.Scheme != "blob" && u.Host != w.host {
				w.add("request to another host: %s", e.Request.URL)
			}
		case *network.EventLoadingFailed:
			if !e.Canceled {
				w.add("request failed: %s %s", e.Type, e.ErrorText)
			}
		case *network.EventResponseReceived:
			if e.Response.Status >= 400 {
				w.add("HTTP %d for %s", e.Response.Status, e.Response.URL)
			}
		case *page.EventJavascriptDialogOpening:
			w.mu.Lock()
			w.dialogs = append(w.dialogs, e.Message)
			w.mu.Unlock()
			// fn must not run commands: dismiss the dialog from elsewhere.
			go func() {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}()
		}
	})
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("IMSCOPE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Fatal("Chromium is not installed: `make test` installs Debian's chromium package (scripts/apt.sh); or set IMSCOPE_CHROMIUM")
	return ""
}

func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("IMSCOPE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "artifacts")
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// importHostile loads usage rows naming the hostile networks, through the
// CSV importer (the path scraped labels take).
func importHostile(t *testing.T, database string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("ts,network,metric,value,segment\n")
	for i, n := range hostileNames {
		quoted := `"` + strings.ReplaceAll(n, `"`, `""`) + `"`
		fmt.Fprintf(&b, "2012-12-15T12:00:00Z,%s,active_users_30d,%d,\n", quoted, 4_000_000*(i+1))
	}
	file := filepath.Join(t.TempDir(), "hostile.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	args := []string{"import", "usage", file, "--data", sharedData(), "--database", database, "--libchdb", projectLibrary(t)}
	if err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr.String())
	}
}

// waitForDemo polls until the demo history has loaded and the live
// traffic has had its first run.
func waitForDemo(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		_, body := get(t, base+"/api/v1/collectors")
		var d struct {
			Data struct {
				Collectors []struct{ Name, Status string } `json:"collectors"`
			} `json:"data"`
		}
		if json.Unmarshal([]byte(body), &d) == nil {
			done := 0
			for _, c := range d.Data.Collectors {
				if (c.Name == "demo-history" || c.Name == "demo-live") && c.Status == "ok" {
					done++
				}
			}
			if done == 2 {
				return
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatal("the demo history did not load within 3 minutes")
}

// drawnJS reports, for each chart id, whether ECharts drew it: an
// instance on the element and a canvas with pixels that are not blank.
const drawnJS = `(() => {
  const out = {};
  document.querySelectorAll("[data-chart]").forEach(el => {
    const inst = window.echarts && echarts.getInstanceByDom(el);
    const c = el.querySelector("canvas");
    let painted = false;
    if (c && c.width > 0 && c.height > 0) {
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4 * 7) { if (d[i] !== 0) { painted = true; break; } }
    }
    out[el.id] = !!inst && painted;
  });
  return out;
})()`

// readableJS lists what makes the page's charts unreadable, for each
// drawn chart: two texts whose boxes overlap by more than 2 px (labels,
// axis names, legend entries, titles: every text ECharts drew and did not
// hide, from the renderer's display list, as the rotated rectangles they
// are drawn in, in the chart's pixels), a text under the save button, a
// legend that pages
// (series on another page cannot be matched to their lines), a series the
// legend does not name, a legend over the plot or below the chart.
const readableJS = `(() => {
  const out = [];
  document.querySelectorAll("[data-chart][data-drawn]").forEach(el => {
    const inst = echarts.getInstanceByDom(el);
    if (!inst) { return; }
    const boxes = [];
    inst.getZr().storage.getDisplayList(true).forEach(d => {
      const text = d.style && d.style.text;
      if (typeof text !== "string" || !text.trim() || d.invisible || d.style.opacity === 0) { return; }
      const r = d.getBoundingRect(), m = d.transform || [1, 0, 0, 1, 0, 0];
      if (r.width < 1 || r.height < 1) { return; }
      const pts = [[r.x, r.y], [r.x + r.width, r.y], [r.x + r.width, r.y + r.height], [r.x, r.y + r.height]]
        .map(p => [m[0] * p[0] + m[2] * p[1] + m[4], m[1] * p[0] + m[3] * p[1] + m[5]]);
      boxes.push({ t: text, pts: pts });
    });
    // The save button is drawn, not written: nothing may run under it.
    const toolbox = inst.getModel().getComponent("toolbox");
    const tv = toolbox && inst.getViewOfComponentModel(toolbox);
    if (tv && tv.group) {
      const r = tv.group.getBoundingRect(), x = tv.group.x + r.x, y = tv.group.y + r.y;
      if (r.width >= 1) { boxes.push({ t: "(the save button)", pts: [[x, y], [x + r.width, y], [x + r.width, y + r.height], [x, y + r.height]] }); }
    }
    // Separating axes: two convex quadrilaterals overlap unless their
    // projections on some edge's normal are apart (or overlap by ≤ 2 px).
    const apart = (a, b) => [a, b].some(poly => poly.some((p, i) => {
      const q = poly[(i + 1) % poly.length], len = Math.hypot(q[0] - p[0], q[1] - p[1]) || 1;
      const nx = (p[1] - q[1]) / len, ny = (q[0] - p[0]) / len;
      const pa = a.map(v => v[0] * nx + v[1] * ny), pb = b.map(v => v[0] * nx + v[1] * ny);
      return Math.min(Math.max(...pa), Math.max(...pb)) - Math.max(Math.min(...pa), Math.min(...pb)) <= 2;
    }));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (!apart(boxes[i].pts, boxes[j].pts)) { out.push(el.id + ": " + JSON.stringify(boxes[i].t) + " overlaps " + JSON.stringify(boxes[j].t)); }
      }
    }
    const legend = inst.getModel().getComponent("legend");
    if (!legend || !legend.get("show")) { return; }
    if (legend.get("type") === "scroll") { out.push(el.id + ": the legend pages"); }
    const view = inst.getViewOfComponentModel(legend);
    const lr = view.group.getBoundingRect(), bottom = view.group.y + lr.y + lr.height;
    if (bottom > inst.getHeight()) { out.push(el.id + ": the legend runs below the chart"); }
    const names = legend.getData().map(d => d.get("name"));
    inst.getModel().getSeries().forEach(s => {
      if ((s.type === "series.line" || s.type === "series.bar") && !names.includes(s.name)) { out.push(el.id + ": the legend does not name " + s.name); }
    });
    const grid = inst.getModel().getComponent("grid");
    if (grid && grid.coordinateSystem && grid.coordinateSystem.getRect().y < bottom) { out.push(el.id + ": the legend is over the plot"); }
  });
  return out.slice(0, 20);
})()`

// checkReadable fails t for what readableJS finds in the current page.
func (s *browserSession) checkReadable(t *testing.T, what string) {
	t.Helper()
	problems, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](readableJS))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", what, p)
	}
}

// waitFor polls a condition in the page for up to 20 s; errors while the
// page navigates are retried.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s (last error %v)", cond, last)
}

// browserSession is what TestBrowser's subtests share: one imscope serve
// --demo and one Chromium tab on it, and the watcher of that tab. Each
// subtest is a method, so that TestBrowser itself only sets them up and
// lists the checks in the order they run (later ones rely on the browser
// state earlier ones leave, such as the language and theme cookies).
type browserSession struct {
	ctx   context.Context // the Chromium tab, with the test's overall timeout
	base  string          // the server's URL
	token string          // an admin token the server accepts
	shots string          // where screenshots go
	w     *watcher
}

func TestBrowser(t *testing.T) {
	exe := chromiumPath(t)
	const database = "browser_e2e"
	importHostile(t, database)
	// A monthly report of all sections (last month holds the live demo's
	// backfilled traffic) and an admin token to run it with.
	config := filepath.Join(t.TempDir(), "imscope.yaml")
	if err := os.WriteFile(config, []byte("reports:\n  list:\n    - name: monthly\n      period: month\n      language: zh-CN\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const token = "ims_browser_test_token"
	sum := sha256.Sum256([]byte(token))
	base, stop := startServeEnv(t, database, map[string]string{"IMSCOPE_ADMIN_TOKEN_SHA256": hex.EncodeToString(sum[:])}, "--demo", "--config", config)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	waitForDemo(t, base)
	u, _ := url.Parse(base)
	s := &browserSession{base: base, token: token, w: &watcher{host: u.Host}, shots: artifactsDir(t)}
	ctx, cancel := startChromium(t, exe, s.w)
	defer cancel()
	s.ctx = ctx

	for _, pg := range browserPages {
		t.Run(pg.name, func(t *testing.T) { s.checkPage(t, pg.name, pg.path, pg.charts) })
	}
	t.Run("filter", s.checkFilter)
	t.Run("language and theme", s.checkLanguageAndTheme)
	t.Run("phone", s.checkPhone)
	t.Run("report", s.checkReport)
	t.Run("hostile labels", s.checkHostileLabels)
	t.Run("folded tail", s.checkFoldTooltips)
	if *updateScreenshot {
		t.Run("screenshot", s.takeScreenshot)
	}
}

// startChromium starts a headless Chromium at exe with one tab that w
// listens to, and returns the tab's context, limited to 5 minutes for the
// whole test, and the function that closes the browser.
func startChromium(t *testing.T, exe string, w *watcher) (context.Context, context.CancelFunc) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 1600), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	closeBrowser := func() {
		cancel()
		cancelAlloc()
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		closeBrowser()
		t.Fatalf("cannot start Chromium: %v", err)
	}
	if err := w.listen(ctx); err != nil {
		closeBrowser()
		t.Fatal(err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	return ctx, func() {
		cancelTimeout()
		closeBrowser()
	}
}

// check fails t for everything the watcher saw since the last check: every
// subtest ends with one, so a problem is blamed on the page that caused it.
func (s *browserSession) check(t *testing.T, what string) {
	t.Helper()
	problems, dialogs := s.w.take()
	for _, p := range problems {
		t.Errorf("%s: %s", what, p)
	}
	for _, d := range dialogs {
		t.Errorf("%s: a JavaScript dialog opened (injected script ran): %q", what, d)
	}
}

// checkPage opens one of browserPages, waits for its charts, saves a
// screenshot, and checks that the charts it must draw are drawn and none
// is left blank.
func (s *browserSession) checkPage(t *testing.T, name, path string, charts []string) {
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+path), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(s.ctx, chromedp.Poll[bool](`document.querySelectorAll("[data-chart]:not([data-drawn])").length === 0`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("charts not drawn: %v", err)
	}
	_ = chromedp.Do(s.ctx, chromedp.Sleep(400*time.Millisecond)) // the charts' short animation
	drawn, err := chromedp.Run(s.ctx, chromedp.Evaluate[map[string]bool](drawnJS))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range charts {
		if !drawn[id] {
			t.Errorf("chart %s was not drawn (drawn: %v)", id, drawn)
		}
	}
	for id, ok := range drawn {
		if !ok {
			t.Errorf("chart %s has an empty canvas", id)
		}
	}
	if err := os.WriteFile(filepath.Join(s.shots, name+".png"), shot, 0o644); err != nil {
		t.Error(err)
	}
	s.checkReadable(t, path)
	if name == "bridges" {
		s.checkLatencyUnit(t)
	}
	s.check(t, path)
}

// checkLatencyUnit: the p95 chart's value axis reads in one unit, chosen
// from the data (not "0 µs … 10000 ms").
func (s *browserSession) checkLatencyUnit(t *testing.T) {
	labels, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`(() => {
  const el = document.getElementById("route-p95");
  if (!el) { return []; }
  const inst = echarts.getInstanceByDom(el);
  const f = inst.getOption().yAxis[0].axisLabel.formatter;
  return inst.getModel().getComponent("yAxis", 0).axis.scale.getTicks().map(t => f(t.value));
})()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) == 0 {
		t.Fatal("the p95 latency chart was not drawn")
	}
	units := map[string]bool{}
	for _, l := range labels {
		units[l[strings.LastIndex(l, " ")+1:]] = true
	}
	if len(units) > 1 {
		t.Errorf("the p95 axis mixes units: %q", labels)
	}
}

// checkFilter submits the share page's filter form and checks that the URL
// keeps the filter and the chart shows the chosen quarters.
func (s *browserSession) checkFilter(t *testing.T) {
	err := chromedp.Do(s.ctx,
		chromedp.Navigate(s.base+"/share"),
		chromedp.WaitReady(chromedp.CSS(`select[name="granularity"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="granularity"]`), "quarter"),
		chromedp.SetValue(chromedp.CSS(`input[name="from"]`), "2011-01"),
		chromedp.SetValue(chromedp.CSS(`input[name="to"]`), "2012-01"),
		chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `location.search.includes("granularity=quarter") && !!document.querySelector("#share-trend[data-drawn]")`)
	loc, err := chromedp.Run(s.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	x, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`echarts.getInstanceByDom(document.getElementById("share-trend")).getOption().xAxis[0].data`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "granularity=quarter") || !strings.Contains(loc, "from=2011-01") {
		t.Errorf("the URL does not hold the filter: %s", loc)
	}
	if strings.Join(x, ",") != "2011-Q1,2011-Q2,2011-Q3,2011-Q4" {
		t.Errorf("the chart shows %v, want the four quarters of 2011", x)
	}
	s.check(t, "filter")
}

// checkLanguageAndTheme switches to Chinese and the dark theme, checks the
// next page remembers both, takes the zh/dark screenshot, and switches back
// to English and light for the subtests after it.
func (s *browserSession) checkLanguageAndTheme(t *testing.T) {
	err := chromedp.Do(s.ctx,
		chromedp.Navigate(s.base+"/share"),
		chromedp.Click(chromedp.CSS(`a[data-lang="zh-CN"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `document.documentElement.lang === "zh-CN" && !!document.querySelector("#share-trend[data-drawn]")`)
	nav, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(`nav a[aria-current="page"]`)))
	if err != nil {
		t.Fatal(err)
	}
	lang, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err := chromedp.Do(s.ctx, chromedp.Click(chromedp.CSS(`a[data-theme-set="dark"]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `document.documentElement.dataset.theme === "dark"`)
	theme, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`document.documentElement.dataset.theme`))
	bg, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	if lang != "zh-CN" || nav != "市场份额" {
		t.Errorf("after 中文: lang %q, current page %q", lang, nav)
	}
	if theme != "dark" || bg != "rgb(15, 18, 22)" {
		t.Errorf("after Dark: theme %q, background %q", theme, bg)
	}
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+"/bridges"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	reload, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`document.documentElement.dataset.theme + " " + document.documentElement.lang`))
	if err != nil {
		t.Fatal(err)
	}
	if reload != "dark zh-CN" {
		t.Errorf("the next page forgot the choice: %q", reload)
	}
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+"/share?lang=zh-CN&theme=dark"), chromedp.WaitReady(chromedp.CSS(`#share-trend[data-drawn]`)), chromedp.Sleep(400*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if shot, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(s.shots, "share-zh-dark.png"), shot, 0o644)
	}
	s.checkReadable(t, "/share in Chinese, dark")
	for _, path := range []string{"/migration", "/reach", "/bridges"} {
		if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+path), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, s.ctx, `document.querySelectorAll("[data-chart]:not([data-drawn])").length === 0`)
		_ = chromedp.Do(s.ctx, chromedp.Sleep(400*time.Millisecond))
		s.checkReadable(t, path+" in Chinese, dark")
		// A heat map's empty end is the card's colour, not white.
		white, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("[data-kind=heatmap][data-drawn]")).filter(el =>
  (echarts.getInstanceByDom(el).getOption().visualMap[0].inRange.color || []).some(c => /^#f[0-9a-f]f[0-9a-f]ff$|^#fff/i.test(c))).map(el => el.id)`))
		if err != nil {
			t.Fatal(err)
		}
		if len(white) > 0 {
			t.Errorf("%s: heat maps with white cells in the dark theme: %v", path, white)
		}
	}
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+"/share?lang=en&theme=light&networks=qq,wangwang,fetion,msn,skype,sinauc,popo,yahoo"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	s.check(t, "language and theme")
}

// checkPhone emulates a phone (390 px wide, scale 2) on a few pages and
// saves the share page's screenshot at that size.
func (s *browserSession) checkPhone(t *testing.T) {
	// A phone's width: nothing may be wider than the screen but the
	// tables, which scroll inside their cards.
	if err := chromedp.Do(s.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = chromedp.Do(s.ctx, chromedp.EmulateReset()) }()
	for _, path := range []string{"/", "/share", "/bridges", "/migration", "/reach"} {
		if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+path), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, s.ctx, `document.querySelectorAll("[data-chart]:not([data-drawn])").length === 0`)
		wide, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("body *")).filter(el =>
  el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest(".table-wrap, .nav, .tooltip") && getComputedStyle(el).position !== "fixed").map(el => el.tagName + "." + el.className).slice(0, 5)`))
		if err != nil {
			t.Fatal(err)
		}
		if len(wide) > 0 {
			t.Errorf("%s at 390 px: wider than the screen: %v", path, wide)
		}
		s.checkNarrow(t, path, 390)
		if path == "/share" {
			if shot, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)); err == nil {
				_ = os.WriteFile(filepath.Join(s.shots, "share-phone.png"), shot, 0o644)
			}
		}
	}
	// 420 px, every page: no sideways scrolling, readable charts, and the
	// share table's Share column on screen.
	if err := chromedp.Do(s.ctx, chromedp.EmulateViewport(420, 900, chromedp.EmulateMobile, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	for _, pg := range browserPages {
		if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+pg.path), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, s.ctx, `document.querySelectorAll("[data-chart]:not([data-drawn])").length === 0`)
		s.checkNarrow(t, pg.path, 420)
		if shot, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)); err == nil {
			_ = os.WriteFile(filepath.Join(s.shots, pg.name+"-420.png"), shot, 0o644)
		}
		if pg.name == "share" {
			off, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("#share-table td")).filter(td => {
  const r = td.getBoundingClientRect(); return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1); }).length`))
			if err != nil || off > 0 {
				t.Errorf("/share at 420 px: %d table cells off-screen (%v)", off, err)
			}
		}
	}
	s.check(t, "phone")
}

// checkNarrow: at a phone's width the page does not scroll sideways and
// its charts stay readable.
func (s *browserSession) checkNarrow(t *testing.T, path string, width int) {
	t.Helper()
	_ = chromedp.Do(s.ctx, chromedp.Sleep(400*time.Millisecond)) // the charts' short animation
	scroll, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
	if err != nil {
		t.Fatal(err)
	}
	if scroll[0] > scroll[1] {
		t.Errorf("%s at %d px scrolls sideways: %d px wide in %d", path, width, scroll[0], scroll[1])
	}
	s.checkReadable(t, fmt.Sprintf("%s at %d px", path, width))
}

// takeScreenshot writes docs/screenshot.png: the Market share page at
// 1400 px, in English and the light theme, showing the catalog's networks
// (the hostile ids this test imports fold into "Other").
func (s *browserSession) takeScreenshot(t *testing.T) {
	if err := chromedp.Do(s.ctx, chromedp.EmulateViewport(1400, 1000)); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = chromedp.Do(s.ctx, chromedp.EmulateReset()) }()
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+"/share?lang=en&theme=light&networks=qq,wangwang,fetion,msn,skype,sinauc,popo,yahoo"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `document.querySelectorAll("[data-chart]:not([data-drawn])").length === 0`)
	_ = chromedp.Do(s.ctx, chromedp.Sleep(800*time.Millisecond))
	shot, err := chromedp.Run(s.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "docs", "screenshot.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	s.check(t, "screenshot")
}

// checkReport runs the monthly report through the API with the admin token
// and opens its HTML file, whose charts must be drawn as SVG.
func (s *browserSession) checkReport(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, s.base+"/api/v1/reports/monthly/run", nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var run struct {
		Data struct {
			Status string
			Notes  []string
			Files  []struct{ Name, Kind, URL string }
		} `json:"data"`
	}
	err = json.NewDecoder(resp.Body).Decode(&run)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("run: %d %v", resp.StatusCode, err)
	}
	kinds := map[string]string{}
	for _, f := range run.Data.Files {
		kinds[f.Kind] = f.URL
	}
	if run.Data.Status != "ok" || kinds["html"] == "" || kinds["pdf"] == "" || kinds["zip"] == "" {
		t.Fatalf("report run %+v", run.Data)
	}
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+kinds["html"]), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `document.querySelectorAll("[data-chart]").length > 0 && document.querySelectorAll("[data-chart]:not([data-drawn])").length === 0`)
	svg, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-chart] svg").length`))
	if err != nil || svg == 0 {
		t.Errorf("the report's charts are not SVG (%d, %v)", svg, err)
	}
	if shot, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(s.shots, "report-monthly.png"), shot, 0o644)
	}
	s.check(t, "report")
}

// checkHostileLabels checks that the hostile network names show as text in
// the share table and the chart's tooltips, and that nothing they carry was
// injected into the page.
func (s *browserSession) checkHostileLabels(t *testing.T) {
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+"/share?from=2012-10&to=2013-01"), chromedp.WaitReady(chromedp.CSS(`#share-latest[data-drawn]`))); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(`#share-table`)))
	if err != nil {
		t.Fatal(err)
	}
	tips, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`(() => {
  const el = document.getElementById("share-latest");
  const inst = echarts.getInstanceByDom(el);
  const tips = [];
  inst.getOption().series[0].data.forEach((d, i) => {
    inst.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: i});
    tips.push(Array.from(el.querySelectorAll("div")).map(n => n.innerText || "").join(" | "));
  });
  return tips;
})()`))
	if err != nil {
		t.Fatal(err)
	}
	injected, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](`document.querySelectorAll('img[src="x"], main script:not([type="application/json"])').length`))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range hostileNames {
		if !strings.Contains(text, n) {
			t.Errorf("the table does not show %q as text:\n%s", n, text)
		}
		found := false
		for _, tip := range tips {
			found = found || strings.Contains(tip, n)
		}
		if !found {
			t.Errorf("no tooltip shows %q as text; tooltips %q", n, tips)
		}
	}
	if injected != 0 {
		t.Errorf("%d injected elements in the page", injected)
	}
	s.check(t, "hostile labels")
}
