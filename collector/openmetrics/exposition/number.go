package exposition

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// errFloatChar is expfmt's refusal of the characters strconv.ParseFloat
// takes and the formats do not: hexadecimal exponents and digit separators.
var errFloatChar = errors.New("unsupported character in float")

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat is strconv.ParseFloat of b, refusing 'p', 'P' and '_' as
// expfmt does. Plain decimals of up to 15 significant digits (nearly every
// sample value) take a fast path: the digits and the power of ten are both
// exact in a float64, so one division rounds correctly, as ParseFloat does.
func parseFloat(b []byte) (float64, error) {
	if v, ok := fastFloat(b); ok {
		return v, nil
	}
	if bytes.ContainsAny(b, "pP_") {
		return 0, errFloatChar
	}
	return strconv.ParseFloat(str(b), 64)
}

func fastFloat(b []byte) (float64, bool) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i = 1
	}
	var mant uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if mant == 0 && c == '0' && !dot {
				digits++ // a leading zero adds no precision
				continue
			}
			mant = mant*10 + uint64(c-'0')
			digits++
			if mant >= 1e15 {
				return 0, false
			}
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || frac >= len(pow10) {
		return 0, false
	}
	if dot && mant == 0 {
		// Zeros after the point count as fraction digits of nothing.
		frac = 0
	}
	v := float64(mant) / pow10[frac]
	if neg {
		v = -v
	}
	return v, true
}

// parseInt is strconv.ParseInt(b, 10, 64), with a fast path for plain
// digits.
func parseInt(b []byte) (int64, error) {
	if n := len(b); n > 0 && n <= 18 {
		i, neg := 0, false
		if b[0] == '-' || b[0] == '+' {
			neg, i = b[0] == '-', 1
		}
		if i < n {
			var v int64
			for ; i < n; i++ {
				c := b[i]
				if c < '0' || c > '9' {
					goto slow
				}
				v = v*10 + int64(c-'0')
			}
			if neg {
				v = -v
			}
			return v, nil
		}
	}
slow:
	return strconv.ParseInt(str(b), 10, 64)
}

// str views b as a string for a call that does not keep it (ParseFloat and
// ParseInt copy what their errors quote), saving a copy per value.
func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// parseTimestamp reads an OpenMetrics created or exemplar timestamp as
// expfmt does: exactly, as a decimal, when its exponent is within ±18 and
// its whole seconds fit in an int64 (the fraction is cut, not rounded, at
// nanoseconds), else through a float64.
func parseTimestamp(b []byte) (Timestamp, error) {
	if t, ok := exactTimestamp(b); ok {
		return t, nil
	}
	f, err := parseFloat(b)
	if err != nil {
		return Timestamp{}, err
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Timestamp{}, errors.New("not a finite time")
	}
	sec, frac := math.Modf(f)
	return normalize(int64(sec), int64(math.Round(frac*1e9))), nil
}

func exactTimestamp(b []byte) (Timestamp, bool) {
	s := str(b)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e < -18 || e > 18 {
			return Timestamp{}, false
		}
		exp, s = e, s[:i]
	}
	whole, fraction, _ := strings.Cut(s, ".")
	if len(whole)+len(fraction) == 0 {
		return Timestamp{}, false
	}
	// The decimal point moves by exp over the digits whole+fraction.
	point := len(whole) + exp
	var sec, nanos int64
	for i := 0; i < len(whole)+len(fraction); i++ {
		var c byte
		if i < len(whole) {
			c = whole[i]
		} else {
			c = fraction[i-len(whole)]
		}
		if c < '0' || c > '9' {
			return Timestamp{}, false
		}
		d := int64(c - '0')
		switch {
		case i < point:
			if sec > (math.MaxInt64-d)/10 {
				return Timestamp{}, false
			}
			sec = sec*10 + d
		case i-point < 9:
			nanos += d * nanoScale[i-point]
		}
	}
	// Digits that end before the point leave zeros to fill.
	for i := len(whole) + len(fraction); i < point; i++ {
		if sec > math.MaxInt64/10 {
			return Timestamp{}, false
		}
		sec *= 10
	}
	if neg {
		sec, nanos = -sec, -nanos
	}
	return normalize(sec, nanos), true
}

var nanoScale = [9]int64{1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1}

// normalize is what time.Unix and timestamppb.New make of sec and nanos.
func normalize(sec, nanos int64) Timestamp {
	t := time.Unix(sec, nanos)
	return Timestamp{Seconds: t.Unix(), Nanos: int32(t.Nanosecond())}
}
