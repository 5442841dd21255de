package pages

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/imscope/imscope/dashboard/api"
)

// The Data page: the admin loads CSV files through the server, from the
// browser (the import API; static/data.js uploads and follows the job),
// and sees what came in — past imports, the collectors' latest runs, and
// the network ids the data names that the catalog does not, with the
// config lines that would name them. It is the admin's alone (Mount puts
// guard.RequireAdmin in front of it): uploads need the admin, and the
// imports' file names and problems are not for every viewer.

// dataView is the Data page's content.
type dataView struct {
	Kinds     []dataChoice
	Encodings []dataChoice
	// Imports are the past imports, newest first; ImportsListed says the
	// server can list them (it runs imports), else the section says so.
	Imports       []importRow
	ImportsListed bool
	// MaxBytes caps an upload (dashboard.max_import_bytes; 0 when the
	// server takes none): the script refuses a larger file before
	// sending it, which the server would refuse after.
	MaxBytes     int64
	MaxBytesText string
	Collectors   api.CollectorsData
	CollectorsOK bool // the collectors' answer came; else a notice says why
	Catalog      []catalogEntry
	Unknown      []unknownEntry
	// YAML is the config lines that add the addable unknown ids to the
	// catalog, to paste under networks:; "" when there are none.
	YAML string
	// Texts are what static/data.js says, in the page's language; Script
	// is its URL.
	Texts  []dataText
	Script string
}

// dataChoice is one option of the upload form's selects.
type dataChoice struct {
	Value, Label, Hint string
}

// catalogEntry is one configured network.
type catalogEntry struct {
	ID, Name, NameZH, Vendor, Color string
}

// unknownEntry is a network id the data names outside the catalog.
// Addable says the id can be a catalog id as it is; one that cannot
// (capitals, spaces, markup) has to be mapped or fixed at its source.
type unknownEntry struct {
	ID      string
	Rows    uint64
	Addable bool
}

// dataText is one of the script's texts, found by its key.
type dataText struct {
	Key, Text string
}

// importKinds and importEncodings are what the import API takes
// (POST /api/v1/imports?kind=…&encoding=…).
var (
	importKinds     = []string{"reports", "panel", "usage", "events"}
	importEncodings = []string{"utf-8", "gbk", "gb18030"}
)

// dataScriptTexts are the catalog keys of what data.js shows; it finds
// each by its key.
var dataScriptTexts = []string{
	"data.js.choose_first", "data.js.chosen", "data.js.sending", "data.js.queued", "data.js.reading", "data.js.checking", "data.js.warning",
	"data.js.done", "data.js.failed", "data.js.counts", "data.js.more", "data.js.rejected", "data.js.no_problems",
	"data.js.err_413", "data.js.too_large", "data.js.err_auth", "data.js.err_400", "data.js.err_other", "data.js.err_network", "data.js.err_poll",
	"status.ok", "status.partial", "status.error", "data.state.queued", "data.state.running", "data.state.done", "data.state.failed",
}

// catalogIDRE is what the config accepts as a network id
// (cmd/imscope's configNetworkIDRE): the YAML offers only ids it would take.
var catalogIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

func (s *Site) buildData(p *pageCtx) error {
	v := &dataView{Script: s.static.URL("data.js")}
	for _, k := range importKinds {
		v.Kinds = append(v.Kinds, dataChoice{Value: k, Label: p.T("data.kind." + k), Hint: p.T("data.kind." + k + "_hint")})
	}
	for _, e := range importEncodings {
		v.Encodings = append(v.Encodings, dataChoice{Value: e, Label: strings.ToUpper(e)})
	}
	for _, k := range dataScriptTexts {
		v.Texts = append(v.Texts, dataText{Key: k, Text: p.T(k)})
	}
	for _, n := range s.cfg.Networks {
		v.Catalog = append(v.Catalog, catalogEntry{ID: n.ID, Name: n.Name(LangEN), NameZH: n.Names[LangZH], Vendor: n.Vendor, Color: n.Color})
	}
	p.view.Content = v
	v.Imports, v.ImportsListed = s.pastImports()
	if s.cfg.Imports != nil {
		v.MaxBytes = s.cfg.Imports.MaxBytes()
		v.MaxBytesText = binaryBytes(v.MaxBytes)
	}
	res, _, err := p.ask("/collectors")
	if err != nil {
		return err
	}
	v.Collectors, v.CollectorsOK = res.(api.CollectorsData), true
	for _, u := range v.Collectors.UnknownNetworks {
		v.Unknown = append(v.Unknown, unknownEntry{ID: u.Network, Rows: u.Rows, Addable: catalogIDRE.MatchString(u.Network)})
	}
	v.YAML = catalogYAML(v.Unknown)
	return nil
}

// catalogYAML is the entries that add the addable ids to the catalog, one
// a line in flow style, for the networks: list of the config. The id is
// its own name until the admin writes the real one; both are quoted, so
// an id such as "null" or "1.5" stays a string.
func catalogYAML(unknown []unknownEntry) string {
	var b strings.Builder
	for _, u := range unknown {
		if u.Addable {
			q := strconv.Quote(u.ID)
			b.WriteString("  - {id: " + q + ", name: {en: " + q + "}}\n")
		}
	}
	return b.String()
}

// binaryBytes is a size in the largest binary unit that keeps it at
// least 1, as config sizes are usually chosen (4 GiB, 512 MiB); units are
// the same in every language.
func binaryBytes(n int64) string {
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	f, unit := float64(n)/1024, units[0]
	for _, u := range units[1:] {
		if f < 1024 {
			break
		}
		f, unit = f/1024, u
	}
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) + " " + unit
}
