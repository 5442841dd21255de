package pages

import (
	"errors"
	"slices"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/api"
)

// sourced is an API answer of a market question: it says which source
// (measured or published, and which series) it used.
type sourced interface{ Used() api.SourceUsed }

// askSourced asks a market endpoint (share, concentration, merge) with the
// page's source, publisher and basis. When the range holds several
// published series and the reader chose none, the API refuses (it never
// mixes bases); a page instead shows the first series — by basis, then
// publisher, among those matching what the reader did choose — and offers
// the others in its filter bar, so the reader sees figures at once.
func (p *pageCtx) askSourced(path string, extra ...string) (api.Result, map[string]string, error) {
	res, q, err := p.ask(path, extra...)
	var ie *imscope.InvalidError
	if err == nil || !errors.As(err, &ie) || (ie.Param != api.ParamBasis && ie.Param != api.ParamPublisher) {
		return res, q, err
	}
	listed, _, lerr := p.ask(path, append(slices.Clone(extra), api.ParamSource, "measured", api.ParamPublisher, "", api.ParamBasis, "")...)
	s, ok := listed.(sourced)
	if lerr != nil || !ok {
		return res, q, err
	}
	pub, basis := p.values.Get(api.ParamPublisher), p.values.Get(api.ParamBasis)
	for _, series := range s.Used().Series {
		if (pub == "" || series.Publisher == pub) && (basis == "" || series.Basis == basis) {
			return p.ask(path, append(slices.Clone(extra), api.ParamPublisher, series.Publisher, api.ParamBasis, series.Basis)...)
		}
	}
	return res, q, err
}

// sourceExtra carries the series an answer settled on into the page's
// next question, so every chart of the page reads the same series.
func sourceExtra(q map[string]string) []string {
	return []string{api.ParamSource, q[api.ParamSource], api.ParamPublisher, q[api.ParamPublisher], api.ParamBasis, q[api.ParamBasis]}
}

// sourceFields are the filter bar's source switch and, when the range has
// published series, the choice of basis and (when several) publisher; the
// URL keeps them (source=, basis=, publisher=).
func (p *pageCtx) sourceFields(used api.SourceUsed, q map[string]string) []field {
	src := field{Name: api.ParamSource, Label: p.T("filter.source"), Type: "select"}
	current := q[api.ParamSource]
	for _, s := range []string{"auto", "measured", "published"} {
		src.Options = append(src.Options, option{Value: s, Label: p.T("source." + s), Selected: s == current})
	}
	out := []field{src}
	if len(used.Series) == 0 {
		return out
	}
	var bases, pubs []string
	for _, s := range used.Series {
		if !slices.Contains(bases, s.Basis) {
			bases = append(bases, s.Basis)
		}
		if !slices.Contains(pubs, s.Publisher) {
			pubs = append(pubs, s.Publisher)
		}
	}
	basis := field{Name: api.ParamBasis, Label: p.T("filter.basis"), Type: "select", Options: []option{{Value: "", Label: p.T("filter.basis_auto"), Selected: q[api.ParamBasis] == ""}}}
	for _, b := range bases {
		basis.Options = append(basis.Options, option{Value: b, Label: b, Selected: b == q[api.ParamBasis]})
	}
	out = append(out, basis)
	if len(pubs) > 1 {
		pub := field{Name: api.ParamPublisher, Label: p.T("filter.publisher"), Type: "select", Options: []option{{Value: "", Label: p.T("filter.basis_auto"), Selected: q[api.ParamPublisher] == ""}}}
		for _, s := range pubs {
			pub.Options = append(pub.Options, option{Value: s, Label: s, Selected: s == q[api.ParamPublisher]})
		}
		out = append(out, pub)
	}
	return out
}

// sourceOptions are the what-if form's choice of shares, the URL's kept.
func (p *pageCtx) sourceOptions() []option {
	current := p.values.Get(api.ParamSource)
	if current == "" {
		current = "auto"
	}
	var out []option
	for _, s := range []string{"auto", "measured", "published"} {
		out = append(out, option{Value: s, Label: p.T("source." + s), Selected: s == current})
	}
	return out
}
