package main

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"
)

// The Data page in a real browser: the admin signs in, chooses a usage
// CSV with one bad row in the page's file input and starts the import;
// the page uploads it, follows the job, and shows the bad row by its line
// with a link to the rejected rows; the good rows are in the API's
// answers. The file's name is hostile, and so are the network ids the data
// names outside the catalog (importHostile): both stay text. Then the page
// at a phone's width and in the dark theme.

// dataUpload is the file uploaded: three good rows — one naming icq,
// which the catalog lacks — and, on line 3, a value that is not a number.
const dataUpload = "ts,network,metric,value,segment\n" +
	"2011-01-31,qq,active_users_30d,640000000,\n" +
	"2011-01-31,fetion,active_users_30d,many,\n" +
	"2011-01-31,msn,active_users_30d,48000000,\n" +
	"2011-01-31,icq,active_users_30d,1000000,\n"

// dataUploadName tries to break out of an attribute and run script.
const dataUploadName = `"><img src=x onerror=alert(1)>.csv`

func TestBrowserData(t *testing.T) {
	exe := chromiumPath(t)
	const database = "browser_data"
	importHostile(t, database)
	const password, token = "correct horse battery staple", "ims_browser_data_token"
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(token))
	// The smallest cap on uploads the config takes, for the refusals.
	config := filepath.Join(t.TempDir(), "imscope.yaml")
	if err := os.WriteFile(config, []byte("dashboard:\n  max_import_bytes: 1048576\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base, stop := startServeEnv(t, database, map[string]string{"IMSCOPE_ADMIN_PASSWORD_BCRYPT": string(hash), "IMSCOPE_ADMIN_TOKEN_SHA256": hex.EncodeToString(sum[:])}, "--config", config)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	u, _ := url.Parse(base)
	s := &browserSession{base: base, token: token, w: &watcher{host: u.Host}, shots: artifactsDir(t)}
	ctx, cancel := startChromium(t, exe, s.w)
	defer cancel()
	s.ctx = ctx

	t.Run("sign in", func(t *testing.T) { s.dataSignIn(t, password) })
	t.Run("upload", s.checkDataUpload)
	t.Run("refused", s.checkDataRefused)
	t.Run("many problems", s.checkDataManyProblems)
	t.Run("phone", s.checkDataPhone)
	t.Run("dark", s.checkDataDark)
}

// dataSignIn opens /data, is sent to the sign-in form, signs in and is
// sent back.
func (s *browserSession) dataSignIn(t *testing.T, password string) {
	err := chromedp.Do(s.ctx,
		chromedp.Navigate(s.base+"/data?lang=en&theme=light"),
		chromedp.WaitReady(chromedp.CSS(`input[name="password"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(s.ctx, chromedp.Location())
	if !strings.Contains(loc, "/login?next=") {
		t.Errorf("a viewer asking for /data is at %s, not the sign-in form", loc)
	}
	err = chromedp.Do(s.ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="user"]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `location.pathname === "/data" && !!document.querySelector("#import-form:not([hidden])")`)
	nav, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(`nav a[aria-current="page"]`)))
	if err != nil || nav != "Data" {
		t.Errorf("the header's current page is %q (%v), want Data", nav, err)
	}
	s.check(t, "sign in")
}

// checkDataUpload uploads dataUpload through the page and checks what the
// page and the API say.
func (s *browserSession) checkDataUpload(t *testing.T) {
	file := filepath.Join(t.TempDir(), dataUploadName)
	if err := os.WriteFile(file, []byte(dataUpload), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(s.ctx,
		chromedp.SetValue(chromedp.CSS(`#import-kind`), "usage"),
		chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{file}),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `document.getElementById("import-chosen").textContent.includes(".csv")`)
	if err := chromedp.Do(s.ctx, chromedp.Click(chromedp.CSS(`#import-start`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `!document.getElementById("import-outcome").hidden || !document.getElementById("import-error").hidden`)
	if msg, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`document.getElementById("import-error").hidden ? "" : document.getElementById("import-error").textContent`)); msg != "" {
		t.Fatalf("the upload failed: %s", msg)
	}
	type outcome struct {
		Status, Counts, Upload, Job, Rejected, More string
		Lines                                       []string
		Cells                                       [][]string
	}
	out, err := chromedp.Run(s.ctx, chromedp.Evaluate[outcome](`(() => {
  const text = id => document.getElementById(id).textContent;
  const rows = Array.from(document.querySelectorAll("#problems-table tbody tr"));
  return { Status: document.getElementById("outcome-status").dataset.status, Counts: text("outcome-counts"), Upload: text("upload-text"), Job: text("job-text"),
    Rejected: document.getElementById("rejected-link").hidden ? "" : document.getElementById("rejected-link").getAttribute("href"), More: text("problems-more"),
    Lines: rows.map(r => r.dataset.line), Cells: rows.map(r => Array.from(r.cells).map(c => c.textContent)) };
})()`))
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != "partial" || !strings.Contains(out.Counts, "3 rows stored") || !strings.Contains(out.Counts, "1 rejected") || !strings.Contains(out.Counts, "of 4 read") {
		t.Errorf("outcome %q: %q, want partial with 3 stored, 1 rejected of 4", out.Status, out.Counts)
	}
	if !strings.Contains(out.Upload, "of "+strconv.Itoa(len(dataUpload))+" bytes sent") {
		t.Errorf("upload progress %q does not end at the file's %d bytes", out.Upload, len(dataUpload))
	}
	// The bad row by its line, column and field; the row naming icq as a
	// warning (it landed).
	if len(out.Lines) != 2 || out.Lines[0] != "3" || out.Cells[0][1] != "4" || out.Cells[0][2] != "value" || !strings.Contains(out.Cells[0][3], `"many"`) ||
		out.Lines[1] != "5" || !strings.HasPrefix(out.Cells[1][3], "warning") || !strings.Contains(out.Cells[1][3], `"icq"`) {
		t.Errorf("problems %q %q, want line 3 column 4 field value naming \"many\", then a warning on line 5 naming icq", out.Lines, out.Cells)
	}
	s.checkRejected(t, out.Rejected)
	// The link works for the signed-in admin, as clicked.
	status, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](`fetch(document.getElementById("rejected-link").href).then(r => r.status)`, chromedp.EvalAwaitPromise))
	if err != nil || status != http.StatusOK {
		t.Errorf("the rejected rows link, from the page: %d (%v)", status, err)
	}
	s.checkDataLanded(t)

	// The past imports list the upload by its name, as text.
	waitFor(t, s.ctx, `!!document.querySelector("#imports tr[data-import] [data-file]")`)
	name, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(`#imports tr[data-import] [data-file]`)))
	if err != nil || name != dataUploadName {
		t.Errorf("past imports show %q (%v), want %q", name, err, dataUploadName)
	}
	unknown, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#unknown-table tbody tr")).map(r => r.cells[0].textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range hostileNames {
		if !strings.Contains(strings.Join(unknown, "\n"), n) {
			t.Errorf("the networks outside the catalog %q lack %q as text", unknown, n)
		}
	}
	// icq, outside the catalog and a valid id, is offered as YAML to copy.
	yaml, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(`#catalog-yaml`)))
	if err != nil || !strings.Contains(yaml, `- {id: "icq", name: {en: "icq"}}`) || strings.Contains(yaml, "alert") {
		t.Errorf("the YAML to add icq: %q (%v)", yaml, err)
	}
	if err := chromedp.Do(s.ctx, chromedp.Click(chromedp.CSS(`#copy-yaml`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `document.getElementById("copy-yaml").textContent === "Copied"`)
	injected, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](`document.querySelectorAll('img[src="x"], main script').length`))
	if err != nil || injected != 0 {
		t.Errorf("%d injected elements (%v)", injected, err)
	}
	if shot, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(s.shots, "data.png"), shot, 0o644)
	}
	s.check(t, "upload")
}

// checkDataRefused: an upload the server would refuse says why in a
// line: too large for the server's cap (found before sending it, and as
// the server's 413 when sent anyway), and a stale CSRF token (403).
func (s *browserSession) checkDataRefused(t *testing.T) {
	dir := t.TempDir()
	big, small := filepath.Join(dir, "big.csv"), filepath.Join(dir, "small.csv")
	if err := os.WriteFile(big, []byte(dataUpload+strings.Repeat("2011-02-28,qq,active_users_30d,1,\n", 1<<20/34+10)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(small, []byte(dataUpload), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+"/data?lang=en"), chromedp.WaitReady(chromedp.CSS(`#import-form:not([hidden])`))); err != nil {
		t.Fatal(err)
	}
	upload := func(file, prepare string) string {
		t.Helper()
		err := chromedp.Do(s.ctx,
			chromedp.Evaluate[chromedp.Void](prepare+`; document.getElementById("import-error").hidden = true`),
			chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{file}),
			chromedp.Click(chromedp.CSS(`#import-start`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, s.ctx, `!document.getElementById("import-error").hidden && !document.getElementById("import-start").disabled`)
		msg, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(`#import-error`)))
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	if msg := upload(big, "0"); !strings.Contains(msg, "big.csv is larger than this server accepts (1 MiB)") {
		t.Errorf("a file over the cap: %q", msg)
	}
	if msg := upload(big, `document.getElementById("import-form").removeAttribute("data-max-bytes")`); !strings.Contains(msg, "larger than this server accepts") {
		t.Errorf("a file over the cap, sent: %q", msg)
	}
	if msg := upload(small, `document.getElementById("import-form").setAttribute("data-csrf", "stale")`); !strings.Contains(msg, "Not allowed (403)") || !strings.Contains(msg, "CSRF") {
		t.Errorf("a stale CSRF token: %q", msg)
	}
	// The refusals are the answers the browser was expected to see.
	problems, dialogs := s.w.take()
	for _, p := range problems {
		if !strings.Contains(p, "HTTP 413 for") && !strings.Contains(p, "HTTP 403 for") {
			t.Errorf("refused: %s", p)
		}
	}
	for _, d := range dialogs {
		t.Errorf("refused: a JavaScript dialog opened: %q", d)
	}
}

// checkDataManyProblems: a file with more bad rows than a job lists shows
// the first ones and says how many more there are.
func (s *browserSession) checkDataManyProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("ts,network,metric,value,segment\n")
	for i := range 120 {
		fmt.Fprintf(&b, "2011-02-%02d,qq,active_users_30d,bad%d,\n", 1+i%28, i)
	}
	file := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(s.ctx,
		chromedp.Navigate(s.base+"/data?lang=en"),
		chromedp.WaitReady(chromedp.CSS(`#import-form:not([hidden])`)),
		chromedp.SetValue(chromedp.CSS(`#import-kind`), "usage"),
		chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{file}),
		chromedp.Click(chromedp.CSS(`#import-start`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `!document.getElementById("import-outcome").hidden`)
	listed, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#problems-table tbody tr").length`))
	if err != nil {
		t.Fatal(err)
	}
	more, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(`#problems-more`)))
	if err != nil || listed != 100 || more != "20 more not shown." {
		t.Errorf("120 bad rows: %d listed, %q (%v); want 100 and 20 more not shown", listed, more, err)
	}
	s.check(t, "many problems")
}

// checkRejected downloads the rejected rows the page links: the header,
// line and problem columns, and the bad record as it was.
func (s *browserSession) checkRejected(t *testing.T, link string) {
	t.Helper()
	if !strings.HasPrefix(link, "/api/v1/imports/") {
		t.Errorf("rejected rows link %q", link)
		return
	}
	req, _ := http.NewRequest(http.MethodGet, s.base+link, nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, body := send(t, http.DefaultClient, req)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%s: %d %s", link, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("rejected rows %q: %v", body, err)
	}
	head := strings.Join(recs[0], ",")
	if !strings.HasPrefix(head, "ts,network,metric,value,segment") || !strings.Contains(head, "line") || !strings.Contains(strings.Join(recs[1], ","), "fetion,active_users_30d,many") {
		t.Errorf("rejected rows %q", recs)
	}
}

// checkDataLanded: the good rows are in the API's answers (qq, msn and
// icq in January 2011), the bad one is not.
func (s *browserSession) checkDataLanded(t *testing.T) {
	t.Helper()
	code, body := get(t, s.base+"/api/v1/share?from=2011-01&to=2011-02&granularity=month&metric=active_users_30d")
	var d struct {
		Data struct {
			Periods []struct {
				Shares []struct {
					Network string  `json:"network"`
					Value   float64 `json:"value"`
				} `json:"shares"`
			} `json:"periods"`
		} `json:"data"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &d) != nil || len(d.Data.Periods) != 1 {
		t.Fatalf("share: %d %.300s", code, body)
	}
	got := map[string]float64{}
	for _, sh := range d.Data.Periods[0].Shares {
		got[sh.Network] = sh.Value
	}
	if got["qq"] != 640000000 || got["msn"] != 48000000 || got["icq"] != 1000000 || len(got) != 3 {
		t.Errorf("January 2011 in the API: %v, want qq 640000000, msn 48000000 and icq 1000000 only", got)
	}
}

// checkDataPhone sends the same file again from a phone (375 px): nothing
// lands twice, and the page, its outcome and problems shown, does not
// scroll sideways; only the tables, inside their boxes, may be wider than
// the screen.
func (s *browserSession) checkDataPhone(t *testing.T) {
	if err := chromedp.Do(s.ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = chromedp.Do(s.ctx, chromedp.EmulateReset()) }()
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+"/data"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `!!document.querySelector("#import-form:not([hidden])")`)
	file := filepath.Join(t.TempDir(), dataUploadName)
	if err := os.WriteFile(file, []byte(dataUpload), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(s.ctx,
		chromedp.SetValue(chromedp.CSS(`#import-kind`), "usage"),
		chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{file}),
		chromedp.Click(chromedp.CSS(`#import-start`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, s.ctx, `!document.getElementById("import-outcome").hidden`)
	counts, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(`#outcome-counts`)))
	if err != nil || !strings.Contains(counts, "0 rows stored, 3 already stored") {
		t.Errorf("the same file again: %q (%v), want nothing stored, 3 already stored", counts, err)
	}
	wide, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("body *")).filter(el =>
  el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest(".table-wrap, .nav") && getComputedStyle(el).position !== "fixed").map(el => el.tagName + "#" + el.id + "." + el.className).slice(0, 5)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(wide) > 0 {
		t.Errorf("/data at 375 px: wider than the screen: %v", wide)
	}
	scroll, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
	if err != nil || scroll[0] > scroll[1] {
		t.Errorf("/data at 375 px scrolls sideways: %v (%v)", scroll, err)
	}
	if shot, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(s.shots, "data-375.png"), shot, 0o644)
	}
	s.check(t, "phone")
}

// checkDataDark: the dark theme colours the page and its cards, and the
// drop zone reads on them.
func (s *browserSession) checkDataDark(t *testing.T) {
	if err := chromedp.Do(s.ctx, chromedp.EmulateViewport(1280, 1000)); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = chromedp.Do(s.ctx, chromedp.EmulateReset()) }()
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+"/data?theme=dark&lang=zh-CN"), chromedp.WaitReady(chromedp.CSS("footer")), chromedp.Sleep(200*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	colours, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.getElementById("import-card")).backgroundColor,
  getComputedStyle(document.getElementById("import-drop")).color, document.documentElement.lang]`))
	if err != nil {
		t.Fatal(err)
	}
	if colours[0] != "rgb(15, 18, 22)" || colours[1] != "rgb(24, 28, 34)" || colours[2] != "rgb(154, 165, 177)" || colours[3] != "zh-CN" {
		t.Errorf("dark, Chinese: body, card, drop zone text, language %q", colours)
	}
	if shot, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(s.shots, "data-zh-dark.png"), shot, 0o644)
	}
	// Back to light and English for whatever runs next in this browser.
	_ = chromedp.Do(s.ctx, chromedp.Navigate(s.base+"/data?theme=light&lang=en"), chromedp.WaitReady(chromedp.CSS("footer")))
	s.check(t, "dark")
}
