package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"

	"github.com/imscope/imscope/collector/simulate"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/queries"
)

// notServedYet refuses to start a second server on a data directory that a
// running one answers for, saying which process it is and where it serves.
// (The embedded engine would refuse too, but could only name the process.)
func notServedYet(cfg *Config) error {
	if cfg.EngineKind() == "server" {
		return nil // a ClickHouse server takes any number of imscope processes
	}
	path := socketPath(cfg)
	if !answers(path) {
		return nil
	}
	c := socketClient(path)
	var info api.HostInfo
	if err := c.call(context.Background(), "GET", "/server", nil, nil, &info); err != nil {
		return fmt.Errorf("another imscope serve already serves %s (it answers on %s); stop it first, or give this one its own --data", cfg.Engine.Data, path)
	}
	return fmt.Errorf("imscope serve (process %d, %s) already serves %s, database %s; stop it first, or give this one its own --data. "+
		"Commands such as `imscope import` work beside it: they ask it to do the work", info.PID, info.URL, cfg.Engine.Data, info.Database)
}

// openSocket listens on the data directory's socket for the command line;
// nil (logged) when it cannot, so the dashboard still serves — only the
// commands then cannot reach it. A server engine needs no socket.
func openSocket(cfg *Config, log *slog.Logger) net.Listener {
	if cfg.EngineKind() == "server" {
		return nil
	}
	ln, err := listenSocket(socketPath(cfg))
	if err != nil {
		log.Warn("imscope commands cannot reach this server through the data directory; use --server URL with IMSCOPE_ADMIN_TOKEN", "err", err)
		return nil
	}
	log.Debug("listening for imscope commands", "socket", socketPath(cfg))
	return ln
}

// hostFor is what the server offers its command-line clients: its
// description for `imscope migrate`, and the demo load for `imscope demo`.
func hostFor(env *environment, p *pipeline, url string) api.Host {
	return api.Host{
		Info: func() api.HostInfo {
			n := 0
			if all, err := queries.LoadMigrations(queries.Schema()); err == nil {
				n = len(all)
			}
			return api.HostInfo{PID: os.Getpid(), Version: buildVersion(), Engine: p.engine.Kind(), Database: env.cfg.Engine.Database, URL: url, Migrations: n}
		},
		LoadDemo: func(ctx context.Context, seed int64, users int) (any, error) {
			// A run that ended in error is answered as it is; the
			// client prints it and fails, as `imscope demo` alone does.
			run, err := simulate.LoadHistory(ctx, p.runner, simulate.Config{Seed: seed, PanelUsers: users}, env.log)
			return run, err
		},
	}
}
