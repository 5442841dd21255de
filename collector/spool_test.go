package collector

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

func sampleBatch(n int, value float64) Batch {
	var b Batch
	at := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		b.Samples = append(b.Samples, imscope.Sample{TS: at.Add(time.Duration(i) * time.Minute), Source: "t", Network: "qq", Metric: "messages", Value: value})
	}
	return b
}

// named labels a batch (in Where, which the spool keeps) to tell it apart.
func named(name string, b Batch) Batch {
	b.Where = name
	return b
}

func TestSpoolKeepsOrderAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSpool(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := s.Put(named("tok"+string(rune('a'+i)), sampleBatch(2, float64(i)))); err != nil {
			t.Fatal(err)
		}
	}
	// A crash mid-write leaves a .tmp, which reopening discards.
	if err := os.WriteFile(filepath.Join(dir, "00000000000000000099.seg.tmp"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = OpenSpool(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Depth(); n != 3 {
		t.Fatalf("depth %d after reopen, want 3", n)
	}
	var got []string
	down := true
	write := func(b Batch) error {
		if down && len(got) == 1 {
			return errors.New("ClickHouse went away again")
		}
		got = append(got, b.Where)
		if b.Samples[0].Value != float64(len(got)-1) {
			t.Errorf("segment %d holds value %v", len(got)-1, b.Samples[0].Value)
		}
		return nil
	}
	if n, _, err := s.Replay(write); err == nil || n != 1 {
		t.Fatalf("first replay: %d replayed, err %v; want 1 and an error", n, err)
	}
	down = false
	if n, _, err := s.Replay(write); err != nil || n != 2 {
		t.Fatalf("second replay: %d replayed, err %v", n, err)
	}
	if strings.Join(got, ",") != "toka,tokb,tokc" {
		t.Fatalf("replayed %v, want toka,tokb,tokc in order", got)
	}
	if n, bytes := s.Depth(); n != 0 || bytes != 0 {
		t.Fatalf("depth %d (%d bytes) after replay", n, bytes)
	}
}

func TestSpoolCapAndCorruption(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSpool(dir, 3000)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(named("a", sampleBatch(1, 1))); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(named("big", sampleBatch(200, 1))); !errors.Is(err, ErrSpoolFull) {
		t.Fatalf("a batch over the cap: %v, want ErrSpoolFull", err)
	}
	if err := s.Put(named("b", sampleBatch(1, 2))); err != nil {
		t.Fatal(err)
	}
	// Flip a byte in the first segment's payload.
	entries, _ := os.ReadDir(dir)
	first := filepath.Join(dir, entries[0].Name())
	data, _ := os.ReadFile(first)
	data[len(data)-3] ^= 0xff
	if err := os.WriteFile(first, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var got []string
	replayed, corrupt, err := s.Replay(func(b Batch) error { got = append(got, b.Where); return nil })
	if err != nil || replayed != 1 || corrupt != 1 || len(got) != 1 || got[0] != "b" {
		t.Fatalf("replayed %d, corrupt %d, tokens %v, err %v; want the good segment only", replayed, corrupt, got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "corrupt", entries[0].Name())); err != nil {
		t.Fatalf("the corrupt segment was not kept aside: %v", err)
	}
}
