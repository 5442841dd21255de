package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
	"github.com/imscope/imscope/queries/server"
)

// openEngine opens the engine the configuration asks for and brings its
// schema up to date. A failing migration stops start-up, naming its file.
func openEngine(ctx context.Context, cfg *Config, log *slog.Logger) (queries.Engine, error) {
	var e queries.Engine
	var err error
	switch cfg.EngineKind() {
	case "server":
		e, err = server.Open(ctx, server.Options{
			URL:          string(cfg.Engine.ClickHouse),
			Database:     cfg.Engine.Database,
			QueryTimeout: cfg.Engine.QueryTimeout,
			Cluster:      cfg.Engine.Cluster,
			Replicated:   cfg.Engine.Replicated,
			DDLTimeout:   cfg.Engine.DDLTimeout,
			Logger:       log,
		})
	default:
		e, err = embedded.Open(ctx, embedded.Options{
			DataDir:  cfg.Engine.Data,
			Library:  cfg.Engine.Libchdb,
			Database: cfg.Engine.Database,
			Logger:   log,
		})
	}
	if err != nil {
		// A library path that was given but cannot be used is blamed on
		// the setting it came from (IMSCOPE_LIBCHDB, --libchdb, a line).
		var lerr *embedded.LibraryError
		if where := cfg.src.Where("engine.libchdb"); where != "" && errors.As(err, &lerr) {
			err = fmt.Errorf("engine.libchdb (from %s): %w", where, err)
		}
		return nil, err
	}
	if _, err := queries.Migrate(ctx, e, queries.Schema(), log); err != nil {
		e.Close()
		return nil, fmt.Errorf("cannot bring the schema up to date: %w", err)
	}
	return e, nil
}
