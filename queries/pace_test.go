package queries

import (
	"testing"
	"time"
)

func TestPace(t *testing.T) {
	tests := []struct {
		name string
		n    int
		took time.Duration
		want int
	}{
		{"a chunk twice as slow as the target halves", 1000, 200 * time.Millisecond, 500},
		{"a fast chunk at most doubles", 1000, time.Millisecond, 2000},
		{"on target stays", 1000, 100 * time.Millisecond, 1000},
		{"a short fast chunk (a batch's end) says nothing", 10, time.Millisecond, 1000},
		{"a short slow chunk shrinks", 10, time.Second, 100},
		{"never below the minimum", 1000, time.Hour, 100},
		{"never above the maximum", 4000, 100 * time.Millisecond, 3000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPace(100*time.Millisecond, 1000, 100, 3000)
			p.Observe(tc.n, tc.took)
			if got := p.Next(); got != tc.want {
				t.Fatalf("next chunk %d, want %d", got, tc.want)
			}
		})
	}
}
