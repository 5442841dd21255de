package openmetrics

import "strings"

// glob is a compiled Match or filter value: literal text in which each *
// stands for any run of characters. Metric names are matched millions of
// times per scrape, so the common shapes (exact, prefix*, *suffix) avoid the
// general loop.
type glob struct {
	parts []string // the text between stars
	star  bool     // at least one *
}

func compileGlob(s string) glob {
	if !strings.Contains(s, "*") {
		return glob{parts: []string{s}}
	}
	return glob{parts: strings.Split(s, "*"), star: true}
}

func (g glob) match(s string) bool {
	if !g.star {
		return s == g.parts[0]
	}
	first, last := g.parts[0], g.parts[len(g.parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, p := range g.parts[1 : len(g.parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}
