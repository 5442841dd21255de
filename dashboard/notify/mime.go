package notify

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// buildMail renders m as an RFC 5322 message:
//
//	multipart/mixed
//	├── multipart/alternative
//	│   ├── text/plain (quoted-printable)
//	│   └── text/html  (quoted-printable; only when m.HTML is set)
//	└── one part per attachment (base64, Content-Disposition: attachment)
//
// Non-ASCII header text (a Chinese subject, a display name) is written as
// RFC 2047 encoded-words, non-ASCII file names as RFC 2231 parameters, and
// lines end in CRLF.
func buildMail(m *Message, from *mail.Address, to []*mail.Address) ([]byte, error) {
	var body bytes.Buffer
	mixed := multipart.NewWriter(&body)
	alt, err := nestedAlternative(mixed)
	if err != nil {
		return nil, err
	}
	if err := qpPart(alt, "text/plain", m.Text); err != nil {
		return nil, err
	}
	if m.HTML != "" {
		if err := qpPart(alt, "text/html", m.HTML); err != nil {
			return nil, err
		}
	}
	if err := alt.Close(); err != nil {
		return nil, err
	}
	for _, a := range m.Attachments {
		if err := attachmentPart(mixed, a); err != nil {
			return nil, err
		}
	}
	if err := mixed.Close(); err != nil {
		return nil, err
	}

	date := m.Time
	if date.IsZero() {
		date = time.Now()
	}
	rcpt := make([]string, len(to))
	for i, a := range to {
		rcpt[i] = a.String() // mail.Address encodes a non-ASCII name
	}
	var h bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&h, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", strings.Join(rcpt, ", "))
	header("Subject", encodeHeader(oneLine(m.Subject)))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", messageID(m, from))
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mixed.Boundary()}))
	if m.Event != "" {
		header("X-Imscope-Event", oneLine(m.Event))
	}
	h.WriteString("\r\n")
	h.Write(body.Bytes())
	return h.Bytes(), nil
}

func nestedAlternative(mixed *multipart.Writer) (*multipart.Writer, error) {
	var boundary [16]byte
	_, _ = rand.Read(boundary[:])
	b := "alt-" + hex.EncodeToString(boundary[:])
	w, err := mixed.CreatePart(textproto.MIMEHeader{"Content-Type": {mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": b})}})
	if err != nil {
		return nil, err
	}
	alt := multipart.NewWriter(w)
	if err := alt.SetBoundary(b); err != nil {
		return nil, err
	}
	return alt, nil
}

func qpPart(w *multipart.Writer, contentType, text string) error {
	p, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {contentType + "; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	q := quotedprintable.NewWriter(p)
	if _, err := q.Write([]byte(text)); err != nil {
		return err
	}
	return q.Close()
}

func attachmentPart(w *multipart.Writer, a Attachment) error {
	name := cleanFileName(a.Name)
	if name == "" {
		return fmt.Errorf("attachment %q has no usable file name", a.Name)
	}
	ct, err := attachmentType(a.ContentType, name)
	if err != nil {
		return fmt.Errorf("attachment %s: %w", name, err)
	}
	p, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {ct},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return err
	}
	enc := base64.StdEncoding.EncodeToString(a.Data)
	for len(enc) > 76 {
		if _, err := p.Write([]byte(enc[:76] + "\r\n")); err != nil {
			return err
		}
		enc = enc[76:]
	}
	_, err = p.Write([]byte(enc + "\r\n"))
	return err
}

// attachmentType is an attachment's Content-Type with its file name as the
// name parameter (for clients that read only that). The type may carry
// parameters of its own ("text/html; charset=utf-8"): mime.FormatMediaType
// takes a bare type and answers "" for anything else, which left the HTML
// report with an empty Content-Type that clients read as plain text, so
// the type is parsed first and its parameters kept.
func attachmentType(contentType, name string) (string, error) {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", fmt.Errorf("content type %q: %w", contentType, err)
	}
	if params == nil {
		params = map[string]string{}
	}
	params["name"] = name
	out := mime.FormatMediaType(mt, params)
	if out == "" {
		return "", fmt.Errorf("content type %q cannot be written", contentType)
	}
	return out, nil
}

// encodeHeader writes non-ASCII text as base64 encoded-words (compact for
// CJK), folded between words so no line runs past 78 characters.
func encodeHeader(s string) string {
	return strings.ReplaceAll(mime.BEncoding.Encode("utf-8", s), "?= =?", "?=\r\n =?")
}

func messageID(m *Message, from *mail.Address) string {
	domain := "imscope.invalid"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 {
		domain = from.Address[at+1:]
	}
	id := m.ID
	if id == "" {
		var b [12]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	return "<" + strings.Map(func(r rune) rune {
		if r <= ' ' || r > '~' || r == '<' || r == '>' || r == '@' {
			return '-'
		}
		return r
	}, id) + "@" + domain + ">"
}
