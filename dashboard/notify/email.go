package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
)

// Security is how an SMTP connection is protected.
type Security string

const (
	// StartTLS connects in plain text and upgrades with STARTTLS before
	// anything else is said; a server that does not offer it is refused
	// (port 587, the default).
	StartTLS Security = "starttls"
	// ImplicitTLS speaks TLS from the first byte (port 465).
	ImplicitTLS Security = "tls"
	// NoTLS sends in plain text. NewEmail allows it only to a loopback
	// host, e.g. a local relay that does its own TLS.
	NoTLS Security = "none"
)

// EmailOptions configure an Email destination.
type EmailOptions struct {
	Host     string
	Port     int // default 587 for starttls and none, 465 for tls
	Security Security
	From     string   // an RFC 5322 address: "imscope <imscope@example.org>"
	To       []string // at least one
	// Username and Password log in with AUTH PLAIN (only ever over TLS or
	// to a loopback host); empty sends without logging in.
	Username, Password string
	// TLSConfig verifies the server; nil verifies against the system's
	// roots. Its ServerName defaults to Host.
	TLSConfig *tls.Config
	// HelloName is the name given in EHLO (default "localhost").
	HelloName string
}

// Email sends messages over SMTP as MIME mail: a text and an HTML
// alternative and the message's attachments.
type Email struct {
	name     string
	addr     string
	host     string
	security Security
	from     *mail.Address
	to       []*mail.Address
	username string
	password string // never printed
	tls      *tls.Config
	hello    string
}

// NewEmail checks opts (EmailOptions.Check, and that a login is whole) and
// returns an SMTP destination.
func NewEmail(name string, opts EmailOptions) (*Email, error) {
	problems := opts.Check()
	if (opts.Username == "") != (opts.Password == "") {
		problems = append(problems, Problem{"username", "a username needs a password and a password a username"})
	}
	if err := problemsError("email", name, problems); err != nil {
		return nil, err
	}
	if opts.Security == "" {
		opts.Security = StartTLS
	}
	if opts.Port == 0 {
		opts.Port = 587
		if opts.Security == ImplicitTLS {
			opts.Port = 465
		}
	}
	from, err := mail.ParseAddress(opts.From)
	if err != nil {
		return nil, fmt.Errorf("email %s: from: %w", name, err) // Check has parsed it
	}
	to := make([]*mail.Address, len(opts.To))
	for i, t := range opts.To {
		if to[i], err = mail.ParseAddress(t); err != nil {
			return nil, fmt.Errorf("email %s: to: %w", name, err)
		}
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.TLSConfig != nil {
		tc = opts.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = opts.Host
	}
	if opts.HelloName == "" {
		opts.HelloName = "localhost"
	}
	return &Email{
		name: name, addr: net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port)), host: opts.Host, security: opts.Security,
		from: from, to: to, username: opts.Username, password: opts.Password, tls: tc, hello: opts.HelloName,
	}, nil
}

func (e *Email) Name() string { return e.name }
func (e *Email) Kind() string { return "email" }

// String names the server and recipients, never the password.
func (e *Email) String() string {
	to := make([]string, len(e.to))
	for i, a := range e.to {
		to[i] = a.Address
	}
	s := fmt.Sprintf("email %s smtp://%s (%s) to %s", e.name, e.addr, e.security, strings.Join(to, ", "))
	if e.username != "" {
		s += " as " + e.username
	}
	return s
}

// LogValue keeps slog from printing the password.
func (e *Email) LogValue() slog.Value { return slog.StringValue(e.String()) }

// Send delivers the message in one SMTP session. A 4xx reply and a network
// error may be retried; a 5xx reply, a server without STARTTLS and a
// certificate that does not verify are permanent.
func (e *Email) Send(ctx context.Context, m *Message) error {
	msg, err := buildMail(m, e.from, e.to)
	if err != nil {
		return Permanent(fmt.Errorf("email %s: %w", e.name, err))
	}
	if err := e.send(ctx, msg); err != nil {
		return classifySMTP(fmt.Errorf("email %s via %s: %w", e.name, e.addr, err))
	}
	return nil
}

func (e *Email) send(ctx context.Context, msg []byte) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.addr)
	if err != nil {
		return err
	}
	// net/smtp takes no context: the deadline and cancellation reach it
	// through the connection.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if e.security == ImplicitTLS {
		tc := tls.Client(conn, e.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return err
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, e.host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello(e.hello); err != nil {
		return err
	}
	if e.security == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return Permanent(errors.New("the server does not offer STARTTLS (set security: tls for port 465, or none only for a loopback relay)"))
		}
		if err := c.StartTLS(e.tls); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if e.username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return Permanent(errors.New("the server does not offer AUTH, but a username is configured"))
		}
		if err := c.Auth(smtp.PlainAuth("", e.username, e.password, e.host)); err != nil {
			return fmt.Errorf("AUTH PLAIN as %s: %w", e.username, err)
		}
	}
	if err := c.Mail(e.from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, t := range e.to {
		if err := c.Rcpt(t.Address); err != nil {
			return fmt.Errorf("RCPT TO %s: %w", t.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	return c.Quit()
}

// classifySMTP marks the errors that retrying cannot fix.
func classifySMTP(err error) error {
	var tpe *textproto.Error
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case IsPermanent(err):
		return err
	case errors.As(err, &tpe):
		if tpe.Code >= 500 {
			return Permanent(err)
		}
		return err
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify):
		return Permanent(err)
	}
	return err
}
