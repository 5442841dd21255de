package yamlconf

import (
	"reflect"
	"testing"
)

// suggestKeys has the top-level keys imscope's configuration suggests from.
type suggestKeys struct {
	Listen   string   `yaml:"listen"`
	Engine   struct{} `yaml:"engine"`
	Networks []string `yaml:"networks"`
	Hidden   string   `yaml:"-"`
	untagged string
}

func TestSuggest(t *testing.T) {
	tests := []struct{ key, want string }{
		{"lisen", ` (did you mean "listen"?)`},
		{"netwroks", ` (did you mean "networks"?)`},
		{"engin", ` (did you mean "engine"?)`},
		{"frobnicate", ""},
		{"x", ""},
		{"-", ""},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			if got := suggest(tc.key, reflect.TypeFor[suggestKeys]()); got != tc.want {
				t.Errorf("suggest(%q) = %q, want %q", tc.key, got, tc.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"listen", "listen", 0}, {"lisen", "listen", 1}, {"netwroks", "networks", 2},
		{"", "abc", 3}, {"kitten", "sitting", 3}, {"名称", "名字", 1},
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
