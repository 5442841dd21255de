package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/api"

	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/internal/reporttest"
	"github.com/imscope/imscope/dashboard/respond"
)

// TestOpenAPICoversRoutes: every /api/v1 route gin serves is in the
// document with its method, and every operation in the document is served.
func TestOpenAPICoversRoutes(t *testing.T) {
	svc, dir := reporttest.Service(t, "openapi", reporttest.StubRenderer{})
	h := dashtest.Server(t, func(o *dashboard.Options) {
		o.Push = map[string]http.Handler{"mautrix": http.NotFoundHandler()}
		o.RunCollector = (&dashtest.Runs{}).Run
		reporttest.WithReports(svc, dir)(o)
	})
	w := dashtest.Get(t, h, "/api/v1/openapi.json")
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	param := regexp.MustCompile(`[:*]([A-Za-z_]+)`)
	served := map[string]bool{}
	for _, r := range h.(*dashboard.Dashboard).Routes() {
		if !respond.IsAPI(r.Path) {
			continue
		}
		key := strings.ToLower(r.Method) + " " + param.ReplaceAllString(r.Path, "{$1}")
		served[key] = true
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[method+" "+path] = true
		}
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("served but not documented: %s", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("documented but not served: %s", k)
		}
	}
	if !served["get /api/v1/push/mautrix/{rest}"] || !served["post /api/v1/reports/{name}/run"] || !served["post /api/v1/alerts/silences/{id}/expire"] || len(served) < 14 {
		t.Errorf("routes seen: %v", served)
	}
}

// TestOpenAPIParameters: each operation documents exactly the parameters
// its endpoint accepts, and its CSV tables as declared.
func TestOpenAPIParameters(t *testing.T) {
	h := dashtest.Server(t, nil)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				Ref  string `json:"$ref"`
			} `json:"parameters"`
			Tables []api.Table `json:"x-csv-tables"`
		} `json:"paths"`
		Components struct {
			Parameters map[string]struct {
				Name string `json:"name"`
			} `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(dashtest.Get(t, h, "/api/v1/openapi.json").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, ep := range api.Endpoints() {
		op, ok := doc.Paths[respond.APIPrefix+ep.Path]["get"]
		if !ok {
			t.Errorf("%s missing", ep.Path)
			continue
		}
		var names []string
		for _, p := range op.Parameters {
			if ref, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
				p.Name = doc.Components.Parameters[ref].Name
			}
			names = append(names, p.Name)
		}
		if !slices.Equal(names, ep.Allowed()) {
			t.Errorf("%s: documented %v, accepted %v", ep.Path, names, ep.Allowed())
		}
		if len(op.Tables) == 0 || op.Tables[0].Name != ep.Tables[0].Name || len(op.Tables[0].Columns) != len(ep.Tables[0].Columns) {
			t.Errorf("%s: x-csv-tables %v", ep.Path, op.Tables)
		}
	}
}
