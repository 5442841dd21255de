package api

import (
	"context"

	"github.com/imscope/imscope"
)

// NetworkInfo is one catalog entry: every chart labels and colours a
// network from here, so the data endpoints carry ids only.
type NetworkInfo struct {
	ID     string            `json:"id"`
	Names  map[string]string `json:"names"` // by language tag: en, zh-CN
	Vendor string            `json:"vendor"`
	Color  string            `json:"color"` // #rrggbb
}

// NetworksData answers /networks.
type NetworksData struct {
	Networks []NetworkInfo `json:"networks"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d NetworksData) Rows(string) [][]any {
	out := make([][]any, len(d.Networks))
	for i, n := range d.Networks {
		out[i] = []any{n.ID, n.Names["en"], n.Names["zh-CN"], n.Vendor, n.Color}
	}
	return out
}

var networksEndpoint = &Endpoint{
	Path:        "/networks",
	Summary:     "The network catalog",
	Description: "Networks from the configuration, in catalog order, with display names and chart colours. Data endpoints name networks by id; a network found in the data but not here keeps its raw id.",
	Tables: []Table{{Name: "networks", Doc: "one row per network", Columns: []Column{
		{"id", "string", "network id"},
		{"name_en", "string", "English display name"},
		{"name_zh_cn", "string", "Simplified Chinese display name"},
		{"vendor", "string", "operator"},
		{"color", "string", "chart colour, #rrggbb"},
	}}},
	Data: NetworksData{},
}

func (a *API) registerNetworks() {
	register(a, networksEndpoint,
		func(context.Context, *request, shared) ([]imscope.Network, error) { return a.opts.Networks, nil },
		func(_ context.Context, ns []imscope.Network) (Result, error) {
			d := NetworksData{Networks: make([]NetworkInfo, len(ns))}
			for i, n := range ns {
				names := n.Names
				if names == nil {
					names = map[string]string{}
				}
				d.Networks[i] = NetworkInfo{ID: n.ID, Names: names, Vendor: n.Vendor, Color: n.Color}
			}
			return d, nil
		})
}
