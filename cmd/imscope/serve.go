package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/imscope/imscope/dashboard"
)

// shutdownGrace is how long in-flight requests get after Ctrl-C or SIGTERM.
const shutdownGrace = 5 * time.Second

func cmdServe(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var f engineFlags
	f.register(fs)
	fs.String("listen", "", "address to serve on (default :8080; IMSCOPE_LISTEN)")
	if err := env.parse("serve", fs, &f, args); err != nil {
		return err
	}
	log := env.log
	e, err := openEngine(ctx, env.cfg, log)
	if err != nil {
		return err
	}
	defer e.Close()

	ln, err := net.Listen("tcp", env.cfg.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", env.cfg.Listen, err)
	}
	srv := &http.Server{
		Handler: dashboard.New(dashboard.Options{
			Engine: e, Networks: env.cfg.NetworkCatalog(), Version: buildVersion(), Logger: log,
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	url := "http://" + displayAddr(ln.Addr())
	log.Info("imscope is serving", "url", url, "engine", e.Kind(), "config", env.cfg)
	fmt.Fprintf(env.stdout, "imscope listening on %s\n", url)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("http server stopped: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// displayAddr turns a wildcard listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return fmt.Sprintf("localhost:%d", tcp.Port)
}
