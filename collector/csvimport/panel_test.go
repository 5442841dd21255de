package csvimport

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// Raw panel user ids never leave the importer: not in rows, problems or
// logs. The same id and key give the same UserKey; another key another.
func TestPanelIDsHashed(t *testing.T) {
	rawIDs := []string{"alice@example.org", "13800138000"}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	res := run(t, Config{Kind: KindPanel, Path: "testdata/panel.csv"}, Options{Logger: logger})
	if res.err != nil || len(res.all.Panel) != 5 {
		t.Fatalf("err %v, panel %+v", res.err, res.all.Panel)
	}
	dump := fmt.Sprintf("%#v", res.batches) + logs.String()
	for _, id := range rawIDs {
		if strings.Contains(dump, id) {
			t.Errorf("raw id %q appears in the output", id)
		}
	}
	if !strings.Contains(logs.String(), "csv import done") {
		t.Errorf("no log line: %s", logs.String())
	}

	p := res.all.Panel
	alice, phone := p[0].UserKey, p[3].UserKey
	if alice == 0 || alice == phone || p[1].UserKey != alice || p[2].UserKey != alice || p[4].UserKey != phone {
		t.Errorf("user keys %d %d %d %d %d", p[0].UserKey, p[1].UserKey, p[2].UserKey, p[3].UserKey, p[4].UserKey)
	}
	// The documented function: the first 8 bytes of HMAC-SHA256(key, id).
	mac := hmac.New(sha256.New, []byte(testKey))
	mac.Write([]byte("alice@example.org"))
	if want := binary.BigEndian.Uint64(mac.Sum(nil)); alice != want {
		t.Errorf("UserKey %x, want HMAC-SHA256 prefix %x", alice, want)
	}

	// Again with the same key: the same keys. With another: other keys.
	again := run(t, Config{Kind: KindPanel, Path: "testdata/panel.csv"}, Options{})
	other := run(t, Config{Kind: KindPanel, Path: "testdata/panel.csv", PanelKeyEnv: "OTHER_KEY"},
		Options{Getenv: func(string) string { return "another-key-fedcba9876543210" }})
	for i := range p {
		if again.all.Panel[i].UserKey != p[i].UserKey {
			t.Errorf("row %d: same id and key, different UserKey", i)
		}
		if other.all.Panel[i].UserKey == p[i].UserKey {
			t.Errorf("row %d: another key, same UserKey", i)
		}
	}
}

// Problems in panel files never quote a user id, even when a bad cell
// holds one.
func TestPanelProblemsHideIDs(t *testing.T) {
	var logs bytes.Buffer
	res := run(t, Config{Kind: KindPanel, Path: "testdata/panel-bad.csv"},
		Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if res.err != nil || len(res.all.Problems) == 0 {
		t.Fatalf("err %v, problems %v", res.err, res.all.Problems)
	}
	dump := fmt.Sprintf("%#v", res.batches) + logs.String()
	if strings.Contains(dump, "u-10") {
		t.Errorf("a raw id (u-10..) appears in the output:\n%s", dump)
	}
	strict := run(t, Config{Kind: KindPanel, Path: "testdata/panel-bad.csv", Strict: true}, Options{})
	if strict.err == nil || strings.Contains(strict.err.Error(), "u-10") {
		t.Errorf("strict error shows an id: %v", strict.err)
	}
}

func TestUserHasherKeyLength(t *testing.T) {
	if _, err := NewUserHasher([]byte("short")); err == nil {
		t.Fatal("a 5-byte key was accepted")
	}
	h, err := NewUserHasher([]byte(testKey))
	if err != nil {
		t.Fatal(err)
	}
	if h.Key("a") == h.Key("b") || h.Key("a") != h.Key("a") {
		t.Fatal("hasher is not a function of the id")
	}
	if n := testing.AllocsPerRun(100, func() { h.Key("alice@example.org") }); n != 0 {
		t.Errorf("%v allocations per key", n)
	}
}
