package server

import (
	"errors"
	"testing"
)

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"23.8", "23.8", 0},
		{"23.8.0.0", "23.8", 0},
		{"23.8", "23.8.1", -1},
		{"23.8.2.7", "23.8", 1},
		{"18.16.1", "23.8", -1},
		{"23.7.9", "23.8", -1},
		{"23.10", "23.8", 1}, // numeric, not lexical
		{"24.1", "23.12", 1},
		{"100.1", "99.99", 1},
		{"23.8.16.40-lts", "23.8.16.40", 0},
		{"v24.3.1.2672", "24.3", 1},
		{" 26.5.3 ", "26.5.3", 0},
		{"1", "1.0.0.0.0", 0},
	}
	for _, tt := range tests {
		got, err := CompareVersions(tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
		back, err := CompareVersions(tt.b, tt.a)
		if err != nil || back != -tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, %v; want %d", tt.b, tt.a, back, err, -tt.want)
		}
	}
	for _, bad := range []string{"", "x", "23.", ".8", "23.x", "23-lts.8", "abc.def", "99999999999999999999999"} {
		if _, err := CompareVersions(bad, "23.8"); err == nil {
			t.Errorf("CompareVersions(%q) gave no error", bad)
		}
	}
}

func TestCheckVersion(t *testing.T) {
	tests := []struct {
		version string
		ok      bool
		msg     string
	}{
		{"18.16.1", false, "server engine: ClickHouse 18.16.1 at host:9000 is too old; imscope needs 23.8 or newer"},
		{"23.3.22", false, "server engine: ClickHouse 23.3.22 at host:9000 is too old; imscope needs 23.8 or newer"},
		{"23.8.0", true, ""},
		{"23.8", true, ""},
		{"24.8.4", true, ""},
		{"26.5.3", true, ""},
		{"garbage", false, `server engine: cannot read the version of ClickHouse at host:9000: "garbage" is not a version`},
	}
	for _, tt := range tests {
		err := checkVersion(tt.version, "host:9000")
		if tt.ok {
			if err != nil {
				t.Errorf("checkVersion(%q): %v", tt.version, err)
			}
			continue
		}
		if err == nil || err.Error() != tt.msg {
			t.Errorf("checkVersion(%q) = %v\nwant %s", tt.version, err, tt.msg)
		}
	}
	var tooOld *TooOldError
	if err := checkVersion("18.16.1", "h:1"); !errors.As(err, &tooOld) || tooOld.Version != "18.16.1" || tooOld.Addr != "h:1" {
		t.Errorf("checkVersion error %#v is not a *TooOldError", err)
	}
}
