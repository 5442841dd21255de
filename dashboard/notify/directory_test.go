package notify_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/imscope/imscope/dashboard/notify"
)

func TestDirectory(t *testing.T) {
	root := t.TempDir()
	d := notify.NewDirectory("archive", root)
	m := &notify.Message{Folder: "weekly/20260302T010000Z-5f0c2a4e", Attachments: []notify.Attachment{
		{Name: "weekly.html", Data: []byte("<html>")}, {Name: "../../escape.pdf", Data: []byte("%PDF")},
	}}
	paths, err := d.Write(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(root, "weekly/20260302T010000Z-5f0c2a4e/weekly.html"), filepath.Join(root, "weekly/20260302T010000Z-5f0c2a4e/escape.pdf")}
	for i, p := range paths {
		if p != want[i] {
			t.Fatalf("wrote %v, want %v", paths, want)
		}
		if _, err := os.Stat(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, folder := range []string{"../outside", "/etc", "a/../../b"} {
		res := notify.Deliver(context.Background(), []notify.Target{{Destination: d, Retry: fast}}, &notify.Message{Folder: folder}, nil)[0]
		if res.Err == nil || res.Attempts != 1 {
			t.Errorf("folder %q: %+v, want a permanent refusal", folder, res)
		}
	}
}

// TestDirectoryFolderIsWholeOrAbsent: a write that is stopped leaves no
// folder (nor an empty one), and writing a folder again replaces it whole.
func TestDirectoryFolderIsWholeOrAbsent(t *testing.T) {
	root := t.TempDir()
	d := notify.NewDirectory("archive", root)
	m := &notify.Message{Folder: "weekly/run1", Attachments: []notify.Attachment{{Name: "a.html", Data: []byte("a")}, {Name: "b.zip", Data: []byte("b")}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Write(ctx, m); err == nil {
		t.Fatal("a stopped write succeeded")
	}
	if entries, _ := os.ReadDir(filepath.Join(root, "weekly")); len(entries) != 0 {
		t.Fatalf("a stopped write left %v", entries)
	}
	for _, body := range []string{"first", "second"} {
		m.Attachments[0].Data = []byte(body)
		paths, err := d.Write(context.Background(), m)
		if err != nil || len(paths) != 2 || paths[0] != filepath.Join(root, "weekly", "run1", "a.html") {
			t.Fatalf("paths %v, %v", paths, err)
		}
		if b, _ := os.ReadFile(paths[0]); string(b) != body {
			t.Fatalf("a.html holds %q, want %q", b, body)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(root, "weekly")); len(entries) != 1 {
		t.Fatalf("weekly holds %v, want the run's folder alone", entries)
	}
}
