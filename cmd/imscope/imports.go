package main

import (
	"context"
	"path/filepath"

	"github.com/imscope/imscope/collector/importjob"
	"github.com/imscope/imscope/dashboard/api"
)

// serveImports lets the server take CSV files over HTTP (POST
// /api/v1/imports): uploads are staged in DATA/imports and imported one
// at a time, in the background, through serve's runner — so an import is
// recorded and stored as `imscope import` would, without the dashboard
// being stopped for it. It sets the API's Imports and returns the
// function that stops the imports and waits for the one running (which
// runs again from the start at the next serve); call it before the
// engine closes.
func serveImports(ctx context.Context, env *environment, p *pipeline, o *api.Options) (stop func(), err error) {
	m, err := importjob.New(importjob.Options{
		Dir: filepath.Join(env.cfg.Engine.Data, "imports"), Runner: p.runner, MaxBytes: env.cfg.Dashboard.MaxImportBytes,
		Getenv: env.getenv, Logger: env.log,
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Run(ctx)
	}()
	o.Imports = m
	return func() { cancel(); <-done }, nil
}
