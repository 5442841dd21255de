package rowbinary

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestPointersToFields: a non-nil pointer to a field encodes and
// canonicalises as the field's value does, for every kind queries' send
// hands over so; a nil one is NULL, which a column that is not Nullable
// refuses.
func TestPointersToFields(t *testing.T) {
	s, tm, f, b := "qq", time.Date(2010, 11, 3, 12, 0, 0, 123_000_000, time.UTC), 76.37, true
	u64, u32, u16, u8, i64 := uint64(1<<63+5), uint32(4_000_000_000), uint16(65535), uint8(7), int64(-9_000_000_000)
	tests := []struct {
		typ        string
		value, ptr any
		nilPtr     any
	}{
		{"String", s, &s, (*string)(nil)},
		{"LowCardinality(String)", s, &s, (*string)(nil)},
		{"DateTime64(3, 'UTC')", tm, &tm, (*time.Time)(nil)},
		{"Date", tm, &tm, (*time.Time)(nil)},
		{"Float64", f, &f, (*float64)(nil)},
		{"Bool", b, &b, (*bool)(nil)},
		{"UInt64", u64, &u64, (*uint64)(nil)},
		{"UInt32", u32, &u32, (*uint32)(nil)},
		{"UInt16", u16, &u16, (*uint16)(nil)},
		{"UInt8", u8, &u8, (*uint8)(nil)},
		{"UInt64", u16, &u16, (*uint16)(nil)}, // widened, as the value is
		{"Int64", i64, &i64, (*int64)(nil)},
	}
	for _, tc := range tests {
		typ, err := Parse(tc.typ)
		if err != nil {
			t.Fatal(err)
		}
		want, err := typ.Encode(nil, tc.value)
		if err != nil {
			t.Fatalf("%s: encode %v: %v", tc.typ, tc.value, err)
		}
		got, err := typ.Encode(nil, tc.ptr)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: encode %T: %x, %v; the value encodes as %x", tc.typ, tc.ptr, got, err, want)
		}
		wantC, _ := typ.Canonical(tc.value)
		gotC, err := typ.Canonical(tc.ptr)
		if err != nil || !reflect.DeepEqual(gotC, wantC) {
			t.Errorf("%s: canonical %T: %#v, %v; the value gives %#v", tc.typ, tc.ptr, gotC, err, wantC)
		}
		if _, err := typ.Encode(nil, tc.nilPtr); err == nil || !strings.Contains(err.Error(), "NULL given") {
			t.Errorf("%s: encode a nil %T: %v, want NULL refused", tc.typ, tc.nilPtr, err)
		}
		if _, err := typ.Canonical(tc.nilPtr); err == nil || !strings.Contains(err.Error(), "NULL given") {
			t.Errorf("%s: canonical of a nil %T: %v, want NULL refused", tc.typ, tc.nilPtr, err)
		}
	}
	// A pointer to a value that does not fit is refused as the value is.
	big := uint64(300)
	typ, _ := Parse("UInt8")
	if _, err := typ.Encode(nil, &big); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("UInt8 given a pointer to 300: %v, want out of range", err)
	}
}
