package notify_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/imscope/imscope/dashboard/notify"
)

// mailServer is an SMTP server on loopback (emersion/go-smtp) that offers
// STARTTLS with a certificate made for the test, requires AUTH PLAIN, and
// keeps every message with whether it came over TLS.
type mailServer struct {
	addr string
	pool *x509.CertPool // trusts the server's certificate

	mu       sync.Mutex
	messages []received
	// rcptFailures makes the first n RCPT commands fail with a 451.
	rcptFailures int
}

type received struct {
	from string
	to   []string
	data []byte
	tls  bool
}

const mailUser, mailPassword = "imscope", "p@ss word"

// newMailServer starts a server; withTLS false offers no STARTTLS, and
// insecureAuth lets AUTH happen without TLS (a loopback relay).
func newMailServer(t *testing.T, withTLS, insecureAuth bool) *mailServer {
	t.Helper()
	ms := &mailServer{}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &mailSession{ms: ms, conn: c}, nil }))
	s.Domain = "localhost"
	s.AllowInsecureAuth = insecureAuth
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	if withTLS {
		cert, pool := testCert(t)
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		ms.pool = pool
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms.addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return ms
}

func (ms *mailServer) got() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.messages...)
}

type mailSession struct {
	ms    *mailServer
	conn  *smtp.Conn
	authd bool
	msg   received
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != mailUser || pass != mailPassword {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.authd = true
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authd {
		return smtp.ErrAuthRequired
	}
	_, s.msg.tls = s.conn.TLSConnectionState()
	s.msg.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ms.mu.Lock()
	defer s.ms.mu.Unlock()
	if s.ms.rcptFailures > 0 {
		s.ms.rcptFailures--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.msg.to = append(s.msg.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.data = b
	s.ms.mu.Lock()
	s.ms.messages = append(s.ms.messages, s.msg)
	s.ms.mu.Unlock()
	return nil
}

func (s *mailSession) Reset()        { s.msg = received{} }
func (s *mailSession) Logout() error { return nil }

// testCert makes a self-signed certificate for 127.0.0.1 and localhost.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "imscope test SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func emailTo(t *testing.T, ms *mailServer, opts notify.EmailOptions) *notify.Email {
	t.Helper()
	host, port, _ := net.SplitHostPort(ms.addr)
	opts.Host = host
	opts.Port, _ = strconv.Atoi(port)
	if opts.From == "" {
		opts.From = "imscope 报告 <reports@imscope.example.org>"
	}
	if opts.To == nil {
		opts.To = []string{"分析师 <analyst@example.org>", "ops@example.org"}
	}
	if ms.pool != nil && opts.TLSConfig == nil {
		opts.TLSConfig = &tls.Config{RootCAs: ms.pool}
	}
	e, err := notify.NewEmail("analysts", opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func reportMail() *notify.Message {
	return &notify.Message{
		ID: "run-42", Event: "report",
		Subject: "即时通信市场周报 2026-W09: QQ 74.9%",
		Text:    "QQ's share fell 1.2 points to 74.9%.\nHHI 5,790: highly concentrated.\n.\nA line that is only a dot must survive.",
		HTML:    "<p>QQ&#39;s share fell <b>1.2 points</b> to 74.9% — 腾讯QQ</p>",
		Attachments: []notify.Attachment{
			{Name: "weekly_2026-W09.pdf", ContentType: "application/pdf", Data: append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 1, 2, 0xff}, 300)...)},
			{Name: "周报数据.zip", ContentType: "application/zip", Data: []byte("PK\x03\x04 not really a zip")},
		},
		Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)),
	}
}

// TestEmailOverSTARTTLS: the message arrives over TLS after AUTH PLAIN, and
// parses back (net/mail, mime/multipart) to the subject, both bodies and
// every attachment byte for byte.
func TestEmailOverSTARTTLS(t *testing.T) {
	ms := newMailServer(t, true, false)
	e := emailTo(t, ms, notify.EmailOptions{Username: mailUser, Password: mailPassword})
	res := notify.Deliver(context.Background(), []notify.Target{{Destination: e, Retry: fast}}, reportMail(), nil)[0]
	if res.Err != nil || res.Attempts != 1 {
		t.Fatalf("result %+v", res)
	}
	got := ms.got()
	if len(got) != 1 {
		t.Fatalf("%d messages arrived", len(got))
	}
	m := got[0]
	if !m.tls || m.from != "reports@imscope.example.org" || strings.Join(m.to, ",") != "analyst@example.org,ops@example.org" {
		t.Fatalf("envelope %+v", m)
	}
	checkReportMail(t, m.data, reportMail())
	if strings.Contains(e.String(), mailPassword) {
		t.Fatalf("String() shows the password: %s", e)
	}
}

func checkReportMail(t *testing.T, data []byte, want *notify.Message) {
	t.Helper()
	for i, line := range bytes.Split(data, []byte("\r\n")) {
		if len(line) > 998 || bytes.ContainsRune(line, '\n') {
			t.Fatalf("line %d is %d bytes or has a bare LF", i+1, len(line))
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	checkMailHeaders(t, msg, want)
	texts, files := mailParts(t, msg)
	if texts["text/plain"] != want.Text || texts["text/html"] != want.HTML {
		t.Fatalf("bodies %q", texts)
	}
	if len(files) != len(want.Attachments) {
		t.Fatalf("%d attachments, want %d", len(files), len(want.Attachments))
	}
	for i, f := range files {
		w := want.Attachments[i]
		if f.Name != w.Name || f.ContentType != w.ContentType || !bytes.Equal(f.Data, w.Data) {
			t.Fatalf("attachment %d: %s %s (%d bytes), want %s %s (%d bytes)", i, f.Name, f.ContentType, len(f.Data), w.Name, w.ContentType, len(w.Data))
		}
	}
}

// checkMailHeaders: subject, sender, recipients and date, in their words.
func checkMailHeaders(t *testing.T, msg *mail.Message, want *notify.Message) {
	t.Helper()
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != want.Subject {
		t.Fatalf("subject %q (%v), want %q; raw %q", subject, err, want.Subject, msg.Header.Get("Subject"))
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != "分析师" {
		t.Fatalf("To %v, %v", to, err)
	}
	if from, err := mail.ParseAddress(msg.Header.Get("From")); err != nil || from.Name != "imscope 报告" {
		t.Fatalf("From %v, %v", from, err)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(want.Time) {
		t.Fatalf("Date %v, %v", d, err)
	}
}

// mailParts reads a multipart/mixed message: its text and HTML bodies by
// content type, and its attachments.
func mailParts(t *testing.T, msg *mail.Message) (map[string]string, []notify.Attachment) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q", msg.Header.Get("Content-Type"))
	}
	mixed := multipart.NewReader(msg.Body, params["boundary"])
	var texts = map[string]string{}
	var files []notify.Attachment
	for {
		p, err := mixed.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, cp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if ct == "multipart/alternative" {
			mailAlternatives(t, p, cp["boundary"], texts)
			continue
		}
		disp, dp, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		if disp != "attachment" {
			t.Fatalf("part %s is %q, not an attachment", ct, disp)
		}
		b, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, notify.Attachment{Name: dp["filename"], ContentType: ct, Data: b})
	}
	return texts, files
}

// mailAlternatives reads the bodies of a multipart/alternative part into
// texts, by content type.
func mailAlternatives(t *testing.T, p io.Reader, boundary string, texts map[string]string) {
	t.Helper()
	alt := multipart.NewReader(p, boundary)
	for {
		ap, err := alt.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		act, _, _ := mime.ParseMediaType(ap.Header.Get("Content-Type"))
		b, _ := io.ReadAll(ap) // multipart decodes quoted-printable itself
		texts[act] = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
}

// TestEmailFailures: what is refused outright, what is retried.
func TestEmailFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		withTLS  bool
		insecure bool
		opts     notify.EmailOptions
		rcptFail int
		trust    bool
		attempts int
		errHas   string // "" means delivered
	}{
		{name: "a 451 is retried", withTLS: true, trust: true, opts: notify.EmailOptions{Username: mailUser, Password: mailPassword}, rcptFail: 1, attempts: 2},
		{name: "a wrong password is not", withTLS: true, trust: true, opts: notify.EmailOptions{Username: mailUser, Password: "wrong"}, attempts: 1, errHas: "535"},
		{name: "no STARTTLS offered is refused", withTLS: false, insecure: true, opts: notify.EmailOptions{Username: mailUser, Password: mailPassword}, attempts: 1, errHas: "does not offer STARTTLS"},
		{name: "an untrusted certificate is refused", withTLS: true, trust: false, opts: notify.EmailOptions{Username: mailUser, Password: mailPassword}, attempts: 1, errHas: "certificate"},
		{name: "security none to a loopback relay", withTLS: false, insecure: true, opts: notify.EmailOptions{Security: notify.NoTLS, Username: mailUser, Password: mailPassword}, attempts: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms := newMailServer(t, tc.withTLS, tc.insecure)
			ms.rcptFailures = tc.rcptFail
			if !tc.trust && tc.withTLS {
				tc.opts.TLSConfig = &tls.Config{RootCAs: x509.NewCertPool()}
			}
			e := emailTo(t, ms, tc.opts)
			res := notify.Deliver(context.Background(), []notify.Target{{Destination: e, Retry: fast}}, reportMail(), nil)[0]
			if res.Attempts != tc.attempts {
				t.Fatalf("%d attempts (err %v), want %d", res.Attempts, res.Err, tc.attempts)
			}
			switch {
			case tc.errHas == "" && res.Err != nil:
				t.Fatalf("not delivered: %v", res.Err)
			case tc.errHas != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tc.errHas)):
				t.Fatalf("error %v, want one saying %q", res.Err, tc.errHas)
			case tc.errHas == "" && len(ms.got()) != 1:
				t.Fatalf("%d messages arrived", len(ms.got()))
			}
			if res.Err != nil && strings.Contains(res.Err.Error(), mailPassword) {
				t.Fatalf("the error shows the password: %v", res.Err)
			}
		})
	}
}

func TestNewEmailRefuses(t *testing.T) {
	for name, opts := range map[string]notify.EmailOptions{
		"plain text to a remote host": {Host: "smtp.example.org", Security: notify.NoTLS, From: "a@example.org", To: []string{"b@example.org"}},
		"no recipient":                {Host: "smtp.example.org", From: "a@example.org"},
		"a bad from":                  {Host: "smtp.example.org", From: "not an address", To: []string{"b@example.org"}},
		"a user without a password":   {Host: "smtp.example.org", From: "a@example.org", To: []string{"b@example.org"}, Username: "u"},
		"an unknown security":         {Host: "smtp.example.org", Security: "ssl", From: "a@example.org", To: []string{"b@example.org"}},
	} {
		if _, err := notify.NewEmail("x", opts); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
