package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// checkFoldTooltips checks the long tail folded on the Market share page
// (top=3): the ring's "Other (k networks)" slice and the trend's "Other"
// series show, in their tooltips, the networks folded in — the same list
// the table gives under its "other" row — as text (the hostile names the
// test imported are among them or not, but nothing of theirs runs).
func (s *browserSession) checkFoldTooltips(t *testing.T) {
	if err := chromedp.Do(s.ctx, chromedp.Navigate(s.base+"/share?from=2012-10&to=2013-01&top=3"),
		chromedp.WaitReady(chromedp.CSS(`#share-latest[data-drawn]`)), chromedp.WaitReady(chromedp.CSS(`#share-trend[data-drawn]`))); err != nil {
		t.Fatal(err)
	}
	note, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`(() => {
  const n = document.querySelectorAll("#share-table [data-folded]");
  return n.length ? n[n.length - 1].textContent : "";
})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(note, "Folded in: ") {
		t.Fatalf("the share table's other row notes %q, want the folded networks", note)
	}
	tips, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`(() => {
  const tip = (id, find) => {
    const el = document.getElementById(id);
    const inst = echarts.getInstanceByDom(el);
    const series = inst.getOption().series;
    const [seriesIndex, dataIndex] = find(series);
    inst.dispatchAction({type: "showTip", seriesIndex, dataIndex});
    return Array.from(el.querySelectorAll("div")).map(n => n.innerText || "").join(" | ");
  };
  return [
    tip("share-latest", series => [0, series[0].data.length - 1]),
    tip("share-trend", series => {
      const i = series.findIndex(s => s.imNotes);
      return [i, series[i].data.length - 1];
    }),
  ];
})()`))
	if err != nil {
		t.Fatal(err)
	}
	for i, tip := range tips {
		if !strings.Contains(tip, "Other (") || !strings.Contains(tip, note) {
			t.Errorf("tooltip %d is %q; want the Other entry named with its count and the note %q", i, tip, note)
		}
	}
	injected, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](`document.querySelectorAll('img[src="x"], main script:not([type="application/json"])').length`))
	if err != nil || injected != 0 {
		t.Errorf("%d injected elements in the page (%v)", injected, err)
	}
	s.check(t, "folded tail")
}
