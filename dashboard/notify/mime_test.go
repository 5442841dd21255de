package notify_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/notify"
)

// mimePart is one leaf of a message as a mail client sees it: the raw
// Content-Type header, its media type and parameters, and the disposition
// with its (decoded) file name.
type mimePart struct {
	rawType     string
	mediaType   string
	params      map[string]string
	disposition string
	fileName    string
	body        []byte // decoded (multipart decodes quoted-printable; base64 here)
}

// TestReportMailAsAClientReadsIt: a report e-mail captured by the SMTP sink
// on loopback, parsed as a mail client does (net/mail, mime/multipart,
// mime.ParseMediaType, mime.WordDecoder): every part has a Content-Type —
// the HTML report's included, which used to be empty ("text/html;
// charset=utf-8" carries a parameter, and mime.FormatMediaType answered ""
// for it) — the attachments are attachments with their file names, Chinese
// ones included, and the bodies are inline alternatives.
func TestReportMailAsAClientReadsIt(t *testing.T) {
	ms := newMailServer(t, true, false)
	e := emailTo(t, ms, notify.EmailOptions{Username: mailUser, Password: mailPassword})
	m := reportMail()
	html := []byte("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>周报</title></head><body><p>腾讯QQ 74.9%</p></body></html>")
	m.Attachments = []notify.Attachment{
		{Name: "即时通信周报_2026-W09.html", ContentType: "text/html; charset=utf-8", Data: html},
		{Name: "即时通信周报_2026-W09.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")},
		{Name: "weekly_2026-W09_csv.zip", ContentType: "application/zip", Data: []byte("PK\x03\x04 zip")},
	}
	if res := notify.Deliver(context.Background(), []notify.Target{{Destination: e, Retry: fast}}, m, nil)[0]; res.Err != nil {
		t.Fatalf("not delivered: %v", res.Err)
	}
	got := ms.got()
	if len(got) != 1 {
		t.Fatalf("%d messages arrived", len(got))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got[0].data))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	if subject, err := dec.DecodeHeader(msg.Header.Get("Subject")); err != nil || subject != m.Subject {
		t.Fatalf("subject %q, %v", subject, err)
	}
	parts := leafParts(t, msg.Header.Get("Content-Type"), msg.Body)
	want := []struct {
		mediaType, charset, disposition, name string
		body                                  []byte
	}{
		{"text/plain", "utf-8", "", "", []byte(strings.ReplaceAll(m.Text, "\n", "\r\n"))},
		{"text/html", "utf-8", "", "", []byte(m.HTML)},
		{"text/html", "utf-8", "attachment", m.Attachments[0].Name, m.Attachments[0].Data},
		{"application/pdf", "", "attachment", m.Attachments[1].Name, m.Attachments[1].Data},
		{"application/zip", "", "attachment", m.Attachments[2].Name, m.Attachments[2].Data},
	}
	if len(parts) != len(want) {
		t.Fatalf("%d parts, want %d: %+v", len(parts), len(want), parts)
	}
	for i, w := range want {
		p := parts[i]
		if p.rawType == "" || p.mediaType != w.mediaType || p.params["charset"] != w.charset {
			t.Errorf("part %d: Content-Type %q (%s, %v), want %s charset %q", i, p.rawType, p.mediaType, p.params, w.mediaType, w.charset)
		}
		if p.disposition != w.disposition || p.fileName != w.name {
			t.Errorf("part %d: disposition %q file name %q, want %q %q", i, p.disposition, p.fileName, w.disposition, w.name)
		}
		if w.name != "" && p.params["name"] != w.name {
			t.Errorf("part %d: Content-Type name %q, want %q", i, p.params["name"], w.name)
		}
		if !bytes.Equal(p.body, w.body) {
			t.Errorf("part %d: body %q, want %q", i, p.body, w.body)
		}
	}
}

// leafParts walks a MIME tree depth first and returns its leaves.
func leafParts(t *testing.T, contentType string, body io.Reader) []mimePart {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("Content-Type %q: %v", contentType, err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		t.Fatalf("Content-Type %q is not multipart", contentType)
	}
	r := multipart.NewReader(body, params["boundary"])
	var out []mimePart
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		raw := p.Header.Get("Content-Type")
		pt, pp, err := mime.ParseMediaType(raw)
		if err != nil {
			t.Fatalf("part Content-Type %q: %v", raw, err)
		}
		if strings.HasPrefix(pt, "multipart/") {
			out = append(out, leafParts(t, raw, p)...)
			continue
		}
		leaf := mimePart{rawType: raw, mediaType: pt, params: pp}
		if d := p.Header.Get("Content-Disposition"); d != "" {
			disp, dp, err := mime.ParseMediaType(d)
			if err != nil {
				t.Fatalf("Content-Disposition %q: %v", d, err)
			}
			leaf.disposition, leaf.fileName = disp, dp["filename"]
		}
		var rd io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			rd = base64.NewDecoder(base64.StdEncoding, p)
		}
		if leaf.body, err = io.ReadAll(rd); err != nil {
			t.Fatal(err)
		}
		out = append(out, leaf)
	}
}
