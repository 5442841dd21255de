package csvimport

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// A URL source fetches the file over HTTP (a loopback test server here);
// a missing file is a clear error that names the URL without its query.
func TestURLSource(t *testing.T) {
	seed, err := os.ReadFile("testdata/im-share-q3.csv")
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(seed)
	zw.Close()
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		switch r.URL.Path {
		case "/im-share-q3.csv":
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Write(seed)
		case "/im-share-q3.csv.gz":
			w.Write(gz.Bytes())
		case "/broken":
			w.WriteHeader(http.StatusInternalServerError)
		default:
			http.Error(w, "no such report", http.StatusNotFound)
		}
	}))
	defer srv.Close()

	cases := []struct {
		name    string
		path    string
		strict  bool
		reports int
		fetches int32
		err     string
	}{
		{"plain", "/im-share-q3.csv", false, 8, 1, ""},
		{"strict stages one download", "/im-share-q3.csv", true, 8, 1, ""},
		{"gzip", "/im-share-q3.csv.gz", false, 8, 1, ""},
		{"404", "/missing.csv?token=s3cr3t", false, 0, 1,
			"cannot fetch " + srv.URL + "/missing.csv: the server answered 404 Not Found: \"no such report\""},
		{"404 strict", "/missing.csv", true, 0, 1, "the server answered 404 Not Found"},
		{"500", "/broken", false, 0, 1, "cannot fetch " + srv.URL + "/broken: the server answered 500 Internal Server Error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fetches.Store(0)
			res := run(t, Config{Kind: KindReports, URL: srv.URL + tc.path, Strict: tc.strict}, Options{HTTPClient: srv.Client()})
			if got := fetches.Load(); got != tc.fetches {
				t.Errorf("%d fetches, want %d", got, tc.fetches)
			}
			if tc.err != "" {
				if res.err == nil || !strings.Contains(res.err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", res.err, tc.err)
				}
				if strings.Contains(res.err.Error(), "s3cr3t") {
					t.Fatalf("the error shows the query string: %v", res.err)
				}
				return
			}
			if res.err != nil || len(res.all.Reports) != tc.reports || len(res.all.Problems) != 0 {
				t.Fatalf("err %v, %d reports, problems %v", res.err, len(res.all.Reports), res.all.Problems)
			}
		})
	}

	// Problems name the URL, without its query string.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ts,network,metric,value\n2010-07-01,qq,messages,many\n"))
	}))
	defer bad.Close()
	res := run(t, Config{Kind: KindUsage, URL: bad.URL + "/u.csv?key=s3cr3t"}, Options{HTTPClient: bad.Client()})
	if res.err != nil || len(res.all.Problems) != 1 || res.all.Problems[0].Where != bad.URL+"/u.csv:2:4" {
		t.Fatalf("err %v, problems %v", res.err, res.all.Problems)
	}
}

// An unreachable server is an error naming the URL (a closed loopback port).
func TestURLUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/x.csv?token=s3cr3t"
	srv.Close()
	res := run(t, Config{Kind: KindUsage, URL: url}, Options{})
	if res.err == nil || !strings.HasPrefix(res.err.Error(), "cannot fetch "+strings.TrimSuffix(url, "?token=s3cr3t")+": ") || strings.Contains(res.err.Error(), "s3cr3t") {
		t.Fatalf("err = %v", res.err)
	}
}
