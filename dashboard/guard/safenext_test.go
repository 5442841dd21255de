package guard

import "testing"

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/share?x=1": "/share?x=1", "//evil.example": "/", "https://evil.example": "/", "/\\evil": "/", "": "/"} {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
