package pages_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// TestBridgeGraphIsolated: the Bridges page's graph draws every network
// with users, not only the bridged ones — the demo's QQ, bridged to
// nobody and the largest, is a node drawn apart (its own legend group),
// and the bridged ones (Fetion and MSN) stay linked on the circle.
func TestBridgeGraphIsolated(t *testing.T) {
	h := dashtest.Server(t, nil)
	w := dashtest.Get(t, h, "/bridges")
	if w.Code != http.StatusOK {
		t.Fatalf("%d: %.300s", w.Code, w.Body)
	}
	var opt struct {
		Series []struct {
			Layout string `json:"layout"`
			Data   []struct {
				Name       string  `json:"name"`
				Category   *int    `json:"category"`
				SymbolSize float64 `json:"symbolSize"`
			} `json:"data"`
		} `json:"series"`
		Legend struct {
			Data []struct {
				Name string `json:"name"`
			} `json:"data"`
		} `json:"legend"`
	}
	found := false
	for _, b := range jsonBlockRE.FindAllStringSubmatch(w.Body.String(), -1) {
		if b[1] == "bridge-graph-option" {
			found = true
			if err := json.Unmarshal([]byte(b[3]), &opt); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !found || len(opt.Series) != 1 {
		t.Fatalf("no bridge graph (found %v, %d series)", found, len(opt.Series))
	}
	s := opt.Series[0]
	if s.Layout != "none" {
		t.Errorf("layout %q: no network drawn apart", s.Layout)
	}
	nodes := map[string]int{}
	largest := ""
	size := 0.0
	for _, d := range s.Data {
		if d.Category == nil {
			t.Fatalf("node %s has no group", d.Name)
		}
		nodes[d.Name] = *d.Category
		if d.SymbolSize > size {
			largest, size = d.Name, d.SymbolSize
		}
	}
	want := map[string]int{"qq": 1, "fetion": 0, "msn": 0}
	for id, cat := range want {
		if got, ok := nodes[id]; !ok || got != cat {
			t.Errorf("node %s: group %d, present %v; want group %d (nodes %v)", id, got, ok, cat, nodes)
		}
	}
	if largest != "qq" {
		t.Errorf("largest node %s, want qq (area by users)", largest)
	}
	if len(opt.Legend.Data) != 2 || opt.Legend.Data[1].Name != "No bridge" {
		t.Errorf("legend %v", opt.Legend.Data)
	}
}
