package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/imscope/imscope/dashboard/respond"
)

// serverClient is a command's way to a running imscope serve: over the
// data directory's Unix socket (socket.go), which makes it the admin, or to
// --server URL with the admin's token. The server does the work and the
// command prints what it would have printed doing it alone.
type serverClient struct {
	base  string // scheme and host; the API is under respond.APIPrefix
	where string // for messages: the socket's path or the URL
	token string // Bearer token for --server; none over the socket
	http  *http.Client
}

// socketClient talks to the server listening on the Unix socket path.
func socketClient(path string) *serverClient {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}
	return &serverClient{base: "http://imscope", where: "the server on " + path, http: &http.Client{Transport: tr}}
}

// serverFlag registers --server, the URL of a remote imscope serve.
func serverFlag(fs *flag.FlagSet) *string {
	return fs.String("server", "", "send the work to the imscope serve at this URL, as the admin (token from IMSCOPE_ADMIN_TOKEN; IMSCOPE_SERVER)")
}

// findServer is the running server a command should send its work to:
// the one --server (or IMSCOPE_SERVER) names, else one answering on the
// data directory's socket; nil when there is none, and the command opens
// the data itself.
func findServer(env *environment, remote string) (*serverClient, error) {
	if remote == "" {
		remote = env.getenv("IMSCOPE_SERVER")
	}
	if remote != "" {
		u, err := url.Parse(remote)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--server %s: want the server's address, such as http://localhost:8080", respond.Quote(remote))
		}
		token := env.getenv("IMSCOPE_ADMIN_TOKEN")
		if token == "" {
			return nil, errors.New("--server needs the admin's API token in IMSCOPE_ADMIN_TOKEN (`imscope new-token` makes one and the hash to configure)")
		}
		base := u.Scheme + "://" + u.Host + strings.TrimRight(u.Path, "/") // a proxy may serve it under a path
		return &serverClient{base: base, where: base, token: token, http: &http.Client{}}, nil
	}
	if env.cfg.EngineKind() == "server" {
		return nil, nil // a ClickHouse server takes every imscope process
	}
	if path := socketPath(env.cfg); answers(path) {
		return socketClient(path), nil
	}
	return nil, nil
}

// call sends a request to the API (path below /api/v1) and decodes the
// answer's "data" into out. An error answer becomes an error quoting the
// server's message.
func (s *serverClient) call(ctx context.Context, method, path string, query url.Values, body io.Reader, out any) error {
	req, err := s.request(ctx, method, path, query, body)
	if err != nil {
		return err
	}
	resp, err := s.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return s.decode(resp, out)
}

// request makes a request to the API (path below /api/v1).
func (s *serverClient) request(ctx context.Context, method, path string, query url.Values, body io.Reader) (*http.Request, error) {
	u := s.base + respond.APIPrefix + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("cannot ask %s: %w", s.where, err)
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// do sends req; a failure to reach the server names it.
func (s *serverClient) do(req *http.Request) (*http.Response, error) {
	resp, err := s.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("cannot reach %s: %w", s.where, err)
	}
	return resp, nil
}

// decode reads an API answer: {"data": …} into out, or the error body.
func (s *serverClient) decode(resp *http.Response, out any) error {
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("cannot read the answer of %s: %w", s.where, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error respond.Error `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			return fmt.Errorf("%s refused: %s", s.where, e.Error.Message)
		}
		return fmt.Errorf("%s answered %s", s.where, resp.Status)
	}
	if out == nil {
		return nil
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("cannot read the answer of %s: %w", s.where, err)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("cannot read the answer of %s: %w", s.where, err)
	}
	return nil
}

// pollEvery is how often a command asks the server how its job is going.
const pollEvery = 250 * time.Millisecond

// announce logs that the work goes to a server, so that a user who
// expected a local run knows where it happened.
func (s *serverClient) announce(env *environment, what string) {
	env.log.Info(what+" through the running server", "server", strings.TrimPrefix(s.where, "the server on "))
}
