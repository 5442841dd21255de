package server

import (
	"fmt"
	"strconv"
	"strings"
)

// MinVersion is the oldest ClickHouse server this engine accepts. The
// engine needs server-side query parameters over the native protocol
// ({name:Type} binding) and the Map and Bool types; 23.8, an LTS release,
// is the floor the project chose, comfortably above the releases that
// added them. Older servers (Debian's 18.16 in particular) accept the
// connection but know no query parameters and are not trusted with batch
// inserts, so Open refuses them.
const MinVersion = "23.8"

// TooOldError is returned by Open for a server older than MinVersion.
type TooOldError struct {
	Version string // the server's version, e.g. "18.16.1"
	Addr    string // the address it answered on
}

func (e *TooOldError) Error() string {
	return fmt.Sprintf("server engine: ClickHouse %s at %s is too old; imscope needs %s or newer", e.Version, e.Addr, MinVersion)
}

// CompareVersions compares two dotted ClickHouse versions such as "23.8" and
// "24.3.1.2672" numerically, component by component; missing components count
// as 0, so "23.8" == "23.8.0.0". Anything after the leading digits of a
// component ("-lts", "-stable") is ignored. It returns -1, 0 or +1 like
// strings.Compare, or an error when either is not a version.
func CompareVersions(a, b string) (int, error) {
	va, err := parseVersion(a)
	if err != nil {
		return 0, err
	}
	vb, err := parseVersion(b)
	if err != nil {
		return 0, err
	}
	for i := 0; i < max(len(va), len(vb)); i++ {
		var x, y uint64
		if i < len(va) {
			x = va[i]
		}
		if i < len(vb) {
			y = vb[i]
		}
		switch {
		case x < y:
			return -1, nil
		case x > y:
			return 1, nil
		}
	}
	return 0, nil
}

func parseVersion(v string) ([]uint64, error) {
	s := strings.TrimPrefix(strings.TrimSpace(v), "v")
	if s == "" {
		return nil, fmt.Errorf("%q is not a version", v)
	}
	parts := strings.Split(s, ".")
	out := make([]uint64, len(parts))
	for i, p := range parts {
		end := 0
		for end < len(p) && p[end] >= '0' && p[end] <= '9' {
			end++
		}
		if end == 0 || (end < len(p) && i < len(parts)-1) {
			// Only the last component may carry a suffix ("1.2672-lts").
			return nil, fmt.Errorf("%q is not a version", v)
		}
		n, err := strconv.ParseUint(p[:end], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a version", v)
		}
		out[i] = n
	}
	return out, nil
}

// checkVersion refuses servers older than MinVersion.
func checkVersion(version, addr string) error {
	c, err := CompareVersions(version, MinVersion)
	if err != nil {
		return fmt.Errorf("server engine: cannot read the version of ClickHouse at %s: %w", addr, err)
	}
	if c < 0 {
		return &TooOldError{Version: version, Addr: addr}
	}
	return nil
}
