package queries

import (
	"regexp"
	"strconv"
)

// Error is an error reported by ClickHouse itself, with its message intact.
type Error struct {
	Code    int    // ClickHouse's error code, 0 when the message carries none
	Message string // ClickHouse's own text
}

var codeRE = regexp.MustCompile(`Code: (\d+)`)

func (e *Error) Error() string { return "clickhouse: " + e.Message }

// ErrorCode extracts ClickHouse's numeric code from its message.
func (e *Error) ErrorCode() int {
	if e.Code != 0 {
		return e.Code
	}
	if m := codeRE.FindStringSubmatch(e.Message); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}
