package dashboard

import (
	"context"

	"github.com/imscope/imscope"
)

// networkInfo is one catalog entry: every chart labels and colours a
// network from here, so the data endpoints carry ids only.
type networkInfo struct {
	ID     string            `json:"id"`
	Names  map[string]string `json:"names"` // by language tag: en, zh-CN
	Vendor string            `json:"vendor"`
	Color  string            `json:"color"` // #rrggbb
}

type networksData struct {
	Networks []networkInfo `json:"networks"`
}

func (d networksData) rows(string) [][]any {
	out := make([][]any, len(d.Networks))
	for i, n := range d.Networks {
		out[i] = []any{n.ID, n.Names["en"], n.Names["zh-CN"], n.Vendor, n.Color}
	}
	return out
}

var networksEndpoint = &endpoint{
	Path:        "/networks",
	Summary:     "The network catalog",
	Description: "Networks from the configuration, in catalog order, with display names and chart colours. Data endpoints name networks by id; a network found in the data but not here keeps its raw id.",
	Tables: []tableSpec{{Name: "networks", Doc: "one row per network", Columns: []column{
		{"id", "string", "network id"},
		{"name_en", "string", "English display name"},
		{"name_zh_cn", "string", "Simplified Chinese display name"},
		{"vendor", "string", "operator"},
		{"color", "string", "chart colour, #rrggbb"},
	}}},
	Data: networksData{},
}

func (a *api) registerNetworks() {
	register(a, networksEndpoint,
		func(context.Context, *request, shared) ([]imscope.Network, error) { return a.opts.Networks, nil },
		func(_ context.Context, ns []imscope.Network) (result, error) {
			d := networksData{Networks: make([]networkInfo, len(ns))}
			for i, n := range ns {
				names := n.Names
				if names == nil {
					names = map[string]string{}
				}
				d.Networks[i] = networkInfo{ID: n.ID, Names: names, Vendor: n.Vendor, Color: n.Color}
			}
			return d, nil
		})
}
