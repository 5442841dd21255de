package queries

import (
	"context"
	"fmt"
	"strings"
)

// execDDL runs one schema statement rendered for l. A statement ON CLUSTER
// is queued for every node, and the server waits for them up to its
// distributed_ddl_task_timeout; in distributed_ddl_output_mode
// null_status_on_timeout (the server engine's setting on a cluster) it then
// answers a row per node, with a NULL status for a node that has not run
// the statement yet. Those nodes, and nodes that refused it, are named: a
// migration recorded while a node still lacks a table would leave that
// node's inserts failing later, far from the cause.
//
// Statements that differ by layout outside migrations (a partition dropped,
// rows deleted) are layoutSQL files run through here too.
func execDDL(ctx context.Context, e Engine, l Layout, stmt string, params ...Param) error {
	if !l.Clustered() || !strings.Contains(stmt, " ON CLUSTER ") {
		return e.Exec(ctx, stmt, params...)
	}
	rows, err := e.Query(ctx, stmt, params...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var answers []map[string]any
	cols := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("cannot read the DDL queue's answer: %w", err)
		}
		answer := make(map[string]any, len(cols))
		for i, c := range cols {
			answer[c] = vals[i]
		}
		answers = append(answers, answer)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return ddlOutcome(l.Cluster, answers)
}

// ddlOutcome judges the per-node rows an ON CLUSTER statement answered
// (host, port, status, error, …): nil when every node ran it.
func ddlOutcome(cluster string, answers []map[string]any) error {
	var late, failed []string
	for _, a := range answers {
		node := fmt.Sprintf("%v:%v", a["host"], a["port"])
		switch status := a["status"]; {
		case status == nil:
			late = append(late, node)
		case fmt.Sprint(status) != "0":
			failed = append(failed, fmt.Sprintf("%s (code %v: %v)", node, status, a["error"]))
		}
	}
	switch {
	case len(failed) > 0:
		return fmt.Errorf("cluster %s: refused on %s", cluster, strings.Join(failed, "; "))
	case len(late) > 0:
		return fmt.Errorf("cluster %s: %s did not run it within the DDL timeout (engine.ddl_timeout); is the node up and its Keeper reachable? The statement stays queued there and runs when it is", cluster, strings.Join(late, ", "))
	}
	return nil
}

// layoutSQL is a statement file whose text differs by Layout; mustSQL's
// files are the same in every layout.
type layoutSQL struct{ name, text string }

// mustLayoutSQL reads sql/name and renders it for every kind of layout at
// once, so that a broken template fails at start-up like a missing file.
func mustLayoutSQL(name string) layoutSQL {
	s := layoutSQL{name, mustSQL(name)}
	for _, l := range []Layout{{}, {Cluster: "c", Database: "d"}, {Cluster: "c", Replicated: true, Database: "d"}} {
		if _, err := RenderSQL(name, s.text, l); err != nil {
			panic(fmt.Sprintf("queries: embedded SQL %v", err))
		}
	}
	return s
}

// exec runs the statement rendered for e's layout.
func (s layoutSQL) exec(ctx context.Context, e Engine, params ...Param) error {
	l := LayoutOf(e)
	stmt, err := RenderSQL(s.name, s.text, l)
	if err != nil {
		return err // cannot happen: mustLayoutSQL rendered it
	}
	return execDDL(ctx, e, l, stmt, params...)
}
