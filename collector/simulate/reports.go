package simulate

import (
	"time"

	"github.com/imscope/imscope"
)

// publishedShares are the figures the demo is calibrated to, exactly as in
// shared/data/im-share-q3.csv: Analysys International's third-quarter 2010
// shares of users. Three networks were published only as "no more than 1%",
// kept as bound lt with the bound as the share.
var publishedShares = []struct {
	network string
	share   float64
	bound   imscope.Bound
}{
	{"qq", 76.37, imscope.BoundEq},
	{"wangwang", 9.81, imscope.BoundEq},
	{"fetion", 5.55, imscope.BoundEq},
	{"msn", 4.34, imscope.BoundEq},
	{"skype", 2.08, imscope.BoundEq},
	{"sinauc", 1, imscope.BoundLt},
	{"popo", 1, imscope.BoundLt},
	{"yahoo", 1, imscope.BoundLt},
}

// MarketReports returns the published 2010-Q3 figures as market_reports
// rows. They do not depend on the seed or the window.
func MarketReports() []imscope.MarketReport {
	out := make([]imscope.MarketReport, 0, len(publishedShares))
	for _, p := range publishedShares {
		r := imscope.MarketReport{
			Period:      "2010-Q3",
			PeriodStart: time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC),
			Publisher:   "Analysys International",
			Basis:       "users",
			Network:     p.network,
			Share:       p.share,
			Bound:       p.bound,
		}
		if p.bound == imscope.BoundLt {
			r.Note = "published as no more than 1%"
		}
		out = append(out, r)
	}
	return out
}
