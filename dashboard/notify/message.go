package notify

import (
	"path"
	"strings"
	"time"
)

// Message is what is delivered: one report run or one alert notification.
// Each destination takes what it can carry: a webhook the subject, text,
// links and Data; e-mail the subject, HTML (or text) body and attachments;
// a directory the attachments.
type Message struct {
	// ID identifies the message and stays the same across retries, so a
	// receiver can drop a duplicate (webhooks send it as X-Imscope-Delivery).
	ID string
	// Event is what the message is about: "report" or "alert".
	Event string
	// Subject is one line: the e-mail subject, the webhook's summary.
	Subject string
	// Text is the plain-text body, possibly several lines.
	Text string
	// HTML is the e-mail's HTML body; empty sends Text alone.
	HTML  string
	Links []Link
	// Attachments are files: attached to e-mail, written by directories.
	Attachments []Attachment
	// Data is the structured content for webhooks (JSON-encodable).
	Data any
	// Folder is the relative folder a directory destination writes the
	// attachments to (e.g. "weekly/20260302T010000Z-1a2b3c4d").
	Folder string
	// Time is when the message was made: the e-mail Date, the webhook sent_at.
	Time time.Time
}

// Link is a titled URL, e.g. to a report's HTML on the dashboard.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Attachment is a file carried by a message.
type Attachment struct {
	Name        string // file name, no directories
	ContentType string // e.g. application/pdf
	Data        []byte
}

// cleanFileName reduces name to a base name safe in a directory and a MIME
// header: no path, no control characters; "" if nothing is left.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == ".." || name == "/" {
		return ""
	}
	return name
}

// oneLine keeps a header value on one line: CR and LF become spaces, so text
// from a rule name or a report title cannot add headers.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}
