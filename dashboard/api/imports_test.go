package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/importjob"
	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/queries"
)

// importServer is a dashboard taking imports, on loopback: every
// middleware runs as for a client on the network, and imports land in a
// database of their own through a real runner and writer.
type importServer struct {
	url    string
	h      http.Handler
	engine queries.Engine
	dir    string // the imports folder
}

func newImportServer(t *testing.T, db string, maxBytes int64) *importServer {
	t.Helper()
	e := dashtest.EmptyEngine(t, db)
	runner := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
	dir := t.TempDir()
	m, err := importjob.New(importjob.Options{Dir: dir, Runner: runner, MaxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	srv, _ := dashtest.LiveAdmin(t, func(o *dashboard.Options) { o.Imports = m })
	return &importServer{url: srv.URL, h: srv.Config.Handler, engine: e, dir: dir}
}

const bearer = "Bearer " + dashtest.TestToken

// post sends a body to POST /api/v1/imports?query with header pairs.
func (s *importServer) post(t *testing.T, query string, body io.Reader, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+"/api/v1/imports?"+query, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return dashtest.Send(t, req)
}

// get asks the API as the admin.
func (s *importServer) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", bearer)
	return dashtest.Send(t, req)
}

// start sends a file as the admin and returns the job as accepted.
func (s *importServer) start(t *testing.T, query, body string, header ...string) api.ImportJob {
	t.Helper()
	resp, text := s.post(t, query, strings.NewReader(body), append([]string{"Authorization", bearer}, header...)...)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST ?%s: %d %s", query, resp.StatusCode, text)
	}
	var out struct{ Data api.ImportJob }
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatal(err)
	}
	if loc := resp.Header.Get("Location"); out.Data.ID == "" || loc != "/api/v1/imports/"+out.Data.ID || out.Data.URL != loc || out.Data.State != importjob.Queued {
		t.Fatalf("accepted %s with Location %q", text, loc)
	}
	return out.Data
}

// wait polls the job until it has finished and returns it with the raw
// JSON of its run.
func (s *importServer) wait(t *testing.T, id string) (api.ImportJob, json.RawMessage) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		resp, text := s.get(t, "/api/v1/imports/"+id)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET job %s: %d %s", id, resp.StatusCode, text)
		}
		var out struct{ Data api.ImportJob }
		if err := json.Unmarshal([]byte(text), &out); err != nil {
			t.Fatal(err)
		}
		if out.Data.State.Finished() {
			var raw struct {
				Data struct {
					Run json.RawMessage `json:"run"`
				} `json:"data"`
			}
			if err := json.Unmarshal([]byte(text), &raw); err != nil {
				t.Fatal(err)
			}
			return out.Data, raw.Data.Run
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("import %s did not finish", id)
	return api.ImportJob{}, nil
}

// reports are the published shares stored in the server's database.
func (s *importServer) reports(t *testing.T) []string {
	t.Helper()
	rs, err := queries.MarketReports(context.Background(), s.engine, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.Publisher+"/"+r.Network)
	}
	return out
}

// A reports file with one bad row, line 3: share_pct (column 5) is not a number.
const (
	reportsHeader = "period,publisher,basis,network,share_pct,bound,note\n"
	oneBadRow     = reportsHeader +
		"2010-Q3,Test,users,qq,76.37,eq,\n" +
		"2010-Q3,Test,users,msn,abc,eq,kept as read\n" +
		"2010-Q3,Test,users,fetion,5.55,eq,\n"
)

// TestImportAuth: only the admin imports — no credentials and a wrong
// token are 401, a browser session without its CSRF token 403 — and a
// session sends its token in X-CSRF-Token, the body being the file.
func TestImportAuth(t *testing.T) {
	s := newImportServer(t, "imports_auth", importjob.DefaultMaxBytes)
	cases := []struct {
		name   string
		header []string
		want   int
	}{
		{"no credentials", nil, http.StatusUnauthorized},
		{"wrong token", []string{"Authorization", "Bearer not-the-token-0123456789"}, http.StatusUnauthorized},
		{"basic without X-Requested-By", []string{"Authorization", basicAuth(dashtest.TestAdmin, dashtest.TestPassword)}, http.StatusForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := s.post(t, "kind=reports", strings.NewReader(oneBadRow), tc.header...)
			if resp.StatusCode != tc.want || dashtest.DecodeError(t, []byte(body)).Code == "" {
				t.Errorf("%d %s, want %d with the API's error body", resp.StatusCode, body, tc.want)
			}
		})
	}

	_, cookies := dashtest.SignIn(t, s.h, dashtest.TestPassword)
	page := dashtest.GetWith(t, s.h, "/collectors", cookies)
	m := dashtest.CSRFFieldRE.FindStringSubmatch(page.Body.String())
	if m == nil {
		t.Fatalf("no CSRF token on the admin's Collectors page: %.300s", page.Body)
	}
	var cookieHeader []string
	for _, c := range cookies {
		cookieHeader = append(cookieHeader, c.Name+"="+c.Value)
	}
	cookie := strings.Join(cookieHeader, "; ")
	resp, body := s.post(t, "kind=reports", strings.NewReader(oneBadRow), "Cookie", cookie)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "CSRF") {
		t.Errorf("a session without its CSRF token: %d %s, want 403", resp.StatusCode, body)
	}
	resp, body = s.post(t, "kind=reports", strings.NewReader(oneBadRow), "Cookie", cookie, "X-CSRF-Token", "not-"+m[1])
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a session with a wrong CSRF token: %d %s, want 403", resp.StatusCode, body)
	}
	resp, body = s.post(t, "kind=reports&file=shares.csv", strings.NewReader(oneBadRow), "Cookie", cookie, "X-CSRF-Token", m[1])
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("a session with X-CSRF-Token: %d %s, want 202", resp.StatusCode, body)
	}
	resp, body = s.post(t, "kind=reports", strings.NewReader(oneBadRow), "Authorization", basicAuth(dashtest.TestAdmin, dashtest.TestPassword), "X-Requested-By", "test")
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("basic from a script: %d %s, want 202", resp.StatusCode, body)
	}
	for _, path := range []string{"/api/v1/imports", "/api/v1/imports/20260101-000000-0123abcd"} {
		req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
		if resp, body := dashtest.Send(t, req); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without credentials: %d %s, want 401", path, resp.StatusCode, body)
		}
	}
}

func basicAuth(user, password string) string {
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth(user, password)
	return req.Header.Get("Authorization")
}

// TestImportBadParameters: a wrong kind, encoding or strict, an unknown
// parameter and a compression imports do not read are refused before
// anything is stored, the error naming the parameter.
func TestImportBadParameters(t *testing.T) {
	s := newImportServer(t, "imports_params", importjob.DefaultMaxBytes)
	cases := []struct {
		query  string
		header []string
		status int
		param  string
	}{
		{"", nil, http.StatusBadRequest, "kind"},
		{"kind=shares", nil, http.StatusBadRequest, "kind"},
		{"kind=reports&encoding=latin1", nil, http.StatusBadRequest, "encoding"},
		{"kind=reports&strict=yes", nil, http.StatusBadRequest, "strict"},
		{"kind=reports&strict=true&strict=false", nil, http.StatusBadRequest, "strict"},
		{"kind=reports&table=x", nil, http.StatusBadRequest, "table"},
		{"kind=reports&file=../etc/passwd", nil, http.StatusBadRequest, "file"},
		{"kind=panel", nil, http.StatusBadRequest, "kind"}, // no panel key on this server
		{"kind=reports", []string{"Content-Encoding", "br"}, http.StatusUnsupportedMediaType, ""},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			resp, body := s.post(t, tc.query, strings.NewReader(oneBadRow), append([]string{"Authorization", bearer}, tc.header...)...)
			e := dashtest.DecodeError(t, []byte(body))
			if resp.StatusCode != tc.status || e.Param != tc.param {
				t.Errorf("%d %s, want %d naming %q", resp.StatusCode, body, tc.status, tc.param)
			}
		})
	}
	if left := jobFolders(t, s.dir); len(left) != 0 {
		t.Errorf("refused uploads left %v behind", left)
	}
}

// jobFolders lists what the imports folder holds.
func jobFolders(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// onlyReader hides a reader's length, so that the client sends it chunked.
type onlyReader struct{ io.Reader }

// TestImportTooLarge: a declared body over the cap is refused unread,
// and a chunked one that runs over it is refused when it does, leaving
// nothing behind either way; a body at the cap is taken.
func TestImportTooLarge(t *testing.T) {
	const limit = 4096
	s := newImportServer(t, "imports_large", limit)
	big := reportsHeader + strings.Repeat("2010-Q3,Test,users,qq,76.37,eq,\n", limit/30)
	resp, body := s.post(t, "kind=reports", strings.NewReader(big), "Authorization", bearer)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || dashtest.DecodeError(t, []byte(body)).Code != "request_too_large" {
		t.Errorf("declared %d bytes: %d %s, want 413", len(big), resp.StatusCode, body)
	}
	resp, body = s.post(t, "kind=reports", onlyReader{strings.NewReader(big)}, "Authorization", bearer)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || dashtest.DecodeError(t, []byte(body)).Code != "request_too_large" {
		t.Errorf("chunked %d bytes: %d %s, want 413", len(big), resp.StatusCode, body)
	}
	if left := jobFolders(t, s.dir); len(left) != 0 {
		t.Errorf("refused uploads left %v behind", left)
	}
	if _, body := s.get(t, "/api/v1/imports"); !strings.Contains(body, `"data":[]`) {
		t.Errorf("refused uploads are listed: %s", body)
	}
	// An upload the client breaks off leaves nothing either.
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(big[:1000]))
		time.Sleep(100 * time.Millisecond)
		pw.CloseWithError(errors.New("the sender gave up"))
	}()
	req, _ := http.NewRequest(http.MethodPost, s.url+"/api/v1/imports?kind=reports", pr)
	req.Header.Set("Authorization", bearer)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("a broken-off upload was answered %d", resp.StatusCode)
	}
	for deadline := time.Now().Add(5 * time.Second); len(jobFolders(t, s.dir)) > 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if left := jobFolders(t, s.dir); len(left) != 0 {
		t.Errorf("a broken-off upload left %v behind", left)
	}

	exact := big[:limit]
	job := s.start(t, "kind=reports", exact)
	if job.Bytes != int64(len(exact)) {
		t.Errorf("bytes %d, want %d", job.Bytes, len(exact))
	}
}

// TestImportBadRows: a file with a bad row stores the good ones and lists
// the bad one with its line, column and field; its rejected rows are
// served as a CSV to fix and send again; the run comes back whole.
func TestImportBadRows(t *testing.T) {
	s := newImportServer(t, "imports_bad_rows", importjob.DefaultMaxBytes)
	accepted := s.start(t, "kind=reports&file=shares.csv", oneBadRow)
	job, run := s.wait(t, accepted.ID)
	if job.State != importjob.Done || job.Status != "partial" || job.Stored != 2 || job.Rejected != 1 || job.RowsRead != 3 ||
		job.BytesRead != int64(len(oneBadRow)) || job.Bytes != int64(len(oneBadRow)) || job.File != "shares.csv" || job.Kind != "reports" {
		t.Errorf("job %+v", job)
	}
	if len(job.Problems) != 1 || job.ProblemsTotal != 1 {
		t.Fatalf("problems %+v (total %d), want the bad row's", job.Problems, job.ProblemsTotal)
	}
	p := job.Problems[0]
	if p.Line != 3 || p.Column != 5 || p.Field != "share_pct" || !strings.Contains(p.Message, `"abc" is not a number`) || p.Where != "shares.csv:3:5" {
		t.Errorf("problem %+v, want line 3, column 5, share_pct", p)
	}
	if job.Started == nil || job.Finished == nil || job.Finished.Before(*job.Started) || job.Created.IsZero() {
		t.Errorf("times: created %v, started %v, finished %v", job.Created, job.Started, job.Finished)
	}
	if got := s.reports(t); !reflect.DeepEqual(got, []string{"Test/fetion", "Test/qq"}) && !reflect.DeepEqual(got, []string{"Test/qq", "Test/fetion"}) {
		t.Errorf("stored %v, want the good rows", got)
	}

	// The run as encoding/json wrote it reads back into a collector.Run,
	// whole, for a client to print as `imscope import` does.
	var back collector.Run
	if err := json.Unmarshal(run, &back); err != nil {
		t.Fatal(err)
	}
	if back.Collector != "import" || back.Kind != "csv" || back.Target != "shares.csv" || back.Status != "partial" || back.Stored != 2 ||
		back.Rows != 2 || back.Problems != 1 || back.Outcome.New != 2 || len(back.Warnings) != 1 || !strings.HasPrefix(back.Warnings[0], "shares.csv:3:5: ") {
		t.Errorf("run %+v", back)
	}
	again, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, again, run) {
		t.Errorf("the run does not survive a round trip:\n%s\n%s", run, again)
	}

	if job.RejectedCSV != job.URL+"/rejected.csv" {
		t.Fatalf("rejected_csv %q", job.RejectedCSV)
	}
	resp, body := s.get(t, job.RejectedCSV)
	want := "period,publisher,basis,network,share_pct,bound,note,line,problem\n" +
		"2010-Q3,Test,users,msn,abc,eq,kept as read,3,\"share_pct: \"\"abc\"\" is not a number\"\n"
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || body != want {
		t.Errorf("rejected.csv: %d %s\n%s\nwant\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body, want)
	}

	// Fixed and sent again, the rejected rows land (the extra columns are
	// ignored, with a note).
	fixed := strings.Replace(body, ",abc,", ",4.34,", 1)
	job, _ = s.wait(t, s.start(t, "kind=reports&file=fixed.csv", fixed).ID)
	if job.Stored != 1 || job.Rejected != 0 || job.RejectedCSV != "" {
		t.Errorf("the fixed rows: %+v", job)
	}
	if resp, body := s.get(t, job.URL+"/rejected.csv"); resp.StatusCode != http.StatusNotFound || dashtest.DecodeError(t, []byte(body)).Code != "not_found" {
		t.Errorf("rejected.csv of a job that rejected nothing: %d %s", resp.StatusCode, body)
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

// TestImportStrict: with strict=true a file with a bad row stores
// nothing, fails, and still lists the row and serves it.
func TestImportStrict(t *testing.T) {
	s := newImportServer(t, "imports_strict", importjob.DefaultMaxBytes)
	job, _ := s.wait(t, s.start(t, "kind=reports&strict=true&file=strict.csv", oneBadRow).ID)
	if job.State != importjob.Failed || job.Status != "error" || job.Stored != 0 || job.Rejected != 1 || !strings.Contains(job.Error, "strict import loaded nothing") {
		t.Errorf("job %+v", job)
	}
	if len(job.Problems) != 1 || job.Problems[0].Line != 3 || job.Problems[0].Field != "share_pct" || job.ProblemsTotal != 1 {
		t.Errorf("problems %+v", job.Problems)
	}
	if got := s.reports(t); len(got) != 0 {
		t.Errorf("a strict import with a bad row stored %v", got)
	}
	if resp, _ := s.get(t, job.RejectedCSV); job.RejectedCSV == "" || resp.StatusCode != http.StatusOK {
		t.Errorf("rejected.csv %q: %d", job.RejectedCSV, resp.StatusCode)
	}
}

// TestImportGBK: a GBK file declared so lands with its Chinese text, and a
// gzip body (Content-Encoding: gzip) is read as well.
func TestImportGBK(t *testing.T) {
	s := newImportServer(t, "imports_gbk", importjob.DefaultMaxBytes)
	text := reportsHeader + "2010-Q3,艾瑞咨询,users,qq,76.37,eq,腾讯\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	if gbk == text {
		t.Fatal("the fixture is not GBK")
	}
	job, _ := s.wait(t, s.start(t, "kind=reports&encoding=gbk&file=iresearch.csv", gbk).ID)
	if job.State != importjob.Done || job.Status != "ok" || job.Stored != 1 || job.Encoding != "gbk" {
		t.Errorf("job %+v", job)
	}
	if got := s.reports(t); !reflect.DeepEqual(got, []string{"艾瑞咨询/qq"}) {
		t.Errorf("stored %v, want the publisher decoded from GBK", got)
	}

	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte(reportsHeader + "2010-Q3,艾瑞咨询,users,msn,4.34,eq,\n"))
	zw.Close()
	job, _ = s.wait(t, s.start(t, "kind=reports", zipped.String(), "Content-Encoding", "gzip").ID)
	if job.Stored != 1 || !job.Gzip || job.Bytes != int64(zipped.Len()) {
		t.Errorf("gzip body: %+v", job)
	}
}

// TestImportTwice: the same file sent twice is stored once: the second
// job finds every row stored.
func TestImportTwice(t *testing.T) {
	s := newImportServer(t, "imports_twice", importjob.DefaultMaxBytes)
	file, err := os.ReadFile("../../docs/examples/im-share-q3.csv")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := s.wait(t, s.start(t, "kind=reports&file=im-share-q3.csv", string(file)).ID)
	second, run := s.wait(t, s.start(t, "kind=reports&file=im-share-q3.csv", string(file)).ID)
	n := uint64(strings.Count(strings.TrimSpace(string(file)), "\n"))
	if first.Stored != n || first.Existing != 0 || second.Stored != 0 || second.Existing != n || second.Status != "ok" {
		t.Errorf("first stored %d (existing %d), second stored %d (existing %d); want %d then 0 (%d)", first.Stored, first.Existing, second.Stored, second.Existing, n, n)
	}
	var back collector.Run
	if err := json.Unmarshal(run, &back); err != nil || back.Outcome.Existing+back.Outcome.Repeated != int(n) {
		t.Errorf("second run %s (%v)", run, err)
	}
	if got := s.reports(t); uint64(len(got)) != n {
		t.Errorf("%d reports stored, want %d", len(got), n)
	}

	// Both are listed, newest first; an unknown id is a 404.
	resp, body := s.get(t, "/api/v1/imports")
	var list struct{ Data []api.ImportJob }
	if err := json.Unmarshal([]byte(body), &list); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("list: %d %s", resp.StatusCode, body)
	}
	if len(list.Data) != 2 || list.Data[0].ID != second.ID || list.Data[1].ID != first.ID || list.Data[0].State != importjob.Done {
		t.Errorf("listed %s, want %s then %s", body, second.ID, first.ID)
	}
	for _, id := range []string{"20260101-000000-0123abcd", "..%2F..%2Fetc", "nope"} {
		resp, body := s.get(t, "/api/v1/imports/"+id)
		if resp.StatusCode != http.StatusNotFound || dashtest.DecodeError(t, []byte(body)).Code != "not_found" {
			t.Errorf("GET import %s: %d %s, want 404", id, resp.StatusCode, body)
		}
	}
}

// TestImportOpenAPI: the import operations are in the OpenAPI document:
// the upload answers 202 and takes the file as its body, the rejected
// rows are CSV.
func TestImportOpenAPI(t *testing.T) {
	s := newImportServer(t, "imports_openapi", importjob.DefaultMaxBytes)
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string } `json:"parameters"`
			Responses  map[string]struct {
				Content map[string]json.RawMessage `json:"content"`
			} `json:"responses"`
			RequestBody struct {
				Content map[string]json.RawMessage `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	post := doc.Paths["/api/v1/imports"]["post"]
	var names []string
	for _, p := range post.Parameters {
		names = append(names, p.In+":"+p.Name)
	}
	if !reflect.DeepEqual(names, []string{"query:kind", "query:encoding", "query:strict", "query:source", "query:file"}) ||
		post.Responses["202"].Content["application/json"] == nil || post.RequestBody.Content["text/csv"] == nil {
		t.Errorf("POST /imports: %+v", post)
	}
	if doc.Paths["/api/v1/imports/{id}/rejected.csv"]["get"].Responses["200"].Content["text/csv"] == nil ||
		doc.Paths["/api/v1/imports/{id}"]["get"].Responses["200"].Content["application/json"] == nil || doc.Paths["/api/v1/imports"]["get"].Responses == nil {
		t.Errorf("the GET operations are missing or wrong: %s", w.Body.String()[:200])
	}
}
