package pages

import (
	"html/template"

	"github.com/imscope/imscope/dashboard/charts"
)

// card is one chart on a page with its data links, or the empty state
// that says what to do when there is nothing to draw.
type card struct {
	Chart     charts.Chart
	JSON      template.JS
	Nonce     string
	Links     []navLink
	DataLabel string
	Span      int
	Empty     *emptyState
	// Events are the events drawn on the chart, listed under it.
	Events []eventItem
}

type emptyState struct {
	Title, Hint string
}

// card renders a chart; a chart that cannot be encoded (a NaN from the
// data) becomes an error notice and an empty card, not a broken page.
func (p *pageCtx) card(ch charts.Chart, span int, links []navLink) *card {
	c := &card{Chart: ch, Nonce: p.view.Nonce, Links: links, DataLabel: p.T("data"), Span: span}
	j, err := ch.JSON()
	if err != nil {
		p.fail(err)
		c.Empty = &emptyState{Title: p.T("empty.chart_failed")}
		return c
	}
	c.JSON = j
	return c
}

// meta is a chart's title, subtitle and captions.
func (p *pageCtx) meta(id, titleKey, subtitle string, args ...any) charts.Meta {
	return charts.Meta{ID: id, Title: p.T(titleKey, args...), Subtitle: subtitle, SaveAsImage: p.T("chart.save")}
}

// ptr returns a pointer to v, for the charts' optional values.
func ptr[T any](v T) *T { return &v }
