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
