package rowbinary

import (
	"fmt"
	"math"
	"time"
)

// Date, Date32, DateTime and DateTime64 columns store a number: days or
// seconds since 1970-01-01 UTC, or ticks of the column's precision. timeOf
// maps a given time to it (Encode writes it, Canonical turns it back), and
// timeAt maps it to the instant it stands for (Decode and Canonical), so a
// time reads back as exactly what Canonical said would be stored.

// timeOf reads a time.Time and returns the number the column stores for
// it, rounded down, after checking that the column's range holds it.
func (t *Type) timeOf(v any) (int64, error) {
	tm, ok := v.(time.Time)
	if !ok {
		p, isPtr := v.(*time.Time)
		if !isPtr || p == nil {
			return 0, t.mismatch(v)
		}
		tm = *p
	}
	switch t.kind {
	case kDate, kDate32:
		days := int64(math.Floor(float64(tm.Unix()) / 86400))
		if t.kind == kDate && (days < 0 || days > math.MaxUint16) {
			return 0, fmt.Errorf("%s is out of range for Date", tm.UTC().Format(time.DateOnly))
		}
		return days, nil
	case kDateTime:
		s := tm.Unix()
		if s < 0 || s > math.MaxUint32 {
			return 0, fmt.Errorf("%s is out of range for DateTime", tm.UTC().Format(time.RFC3339))
		}
		return s, nil
	}
	switch t.scale { // the usual precisions, without a division by a variable
	case 3:
		return tm.UnixMilli(), nil
	case 6:
		return tm.UnixMicro(), nil
	case 9:
		return tm.UnixNano(), nil
	}
	return tm.Unix()*pow10[t.scale] + int64(tm.Nanosecond())/pow10[9-t.scale], nil
}

// timeAt is the instant, in UTC, that n stored in a Date, Date32, DateTime
// or DateTime64 column stands for.
func (t *Type) timeAt(n int64) time.Time {
	switch t.kind {
	case kDate, kDate32:
		return time.Unix(n*86400, 0).UTC()
	case kDateTime:
		return time.Unix(n, 0).UTC()
	}
	unit := pow10[t.scale]
	sec, frac := n/unit, n%unit
	if frac < 0 {
		sec, frac = sec-1, frac+unit
	}
	return time.Unix(sec, frac*pow10[9-t.scale]).UTC()
}
