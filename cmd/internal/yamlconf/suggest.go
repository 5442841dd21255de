package yamlconf

import (
	"fmt"
	"reflect"
)

// suggest names the key of struct type t nearest to an unknown one, when it
// is close enough (edit distance at most 2) to be a likely typo.
func suggest(key string, t reflect.Type) string {
	best, bestDist := "", 3
	for i := range t.NumField() {
		f := t.Field(i)
		name := tag(f)
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		if d := editDistance(key, name); d < bestDist && d < len(key) {
			best, bestDist = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
