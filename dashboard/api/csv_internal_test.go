package api

import "testing"

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"qq": "qq", "": "", "=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b", "</script>": "</script>", `"q"`: `"q"`,
	} {
		if got := neutralise(in); got != want {
			t.Errorf("neutralise(%q) = %q, want %q", in, got, want)
		}
	}
	// Numbers are not text: a negative delta stays a number.
	if got := cell(-2.5); got != "-2.5" {
		t.Errorf("cell(-2.5) = %q", got)
	}
	if got := cell([]string{"=a", "b"}); got != "'=a;b" {
		t.Errorf("list cell %q", got)
	}
}
