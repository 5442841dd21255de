package queries

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"sort"
	"strconv"
	"time"
)

var (
	sqlMigrationsTable   = mustSQL("migrations_table.sql")
	sqlMigrationsApplied = mustSQL("migrations_applied.sql")
	sqlMigrationRecord   = mustSQL("migration_record.sql")
)

// migrationName is NNN_name.sql; NNN orders the migrations.
var migrationName = regexp.MustCompile(`^(\d{3,})_[a-z0-9_]+\.sql$`)

// Migration is one schema file.
type Migration struct {
	Version uint32
	Name    string // file name
	// Checksum is the sha256 of the file rendered for one node, to notice an
	// edited applied migration. It is the same in every layout, and the same
	// as before the files became templates (RenderSQL).
	Checksum string
	SQL      string // the file: a template for RenderSQL
}

// LoadMigrations reads NNN_name.sql files from fsys in version order.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("cannot list migrations: %w", err)
	}
	var out []Migration
	seen := map[uint32]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration %s: name must look like 001_name.sql", e.Name())
		}
		v, _ := strconv.ParseUint(m[1], 10, 32)
		if other, dup := seen[uint32(v)]; dup {
			return nil, fmt.Errorf("migrations %s and %s have the same number", other, e.Name())
		}
		seen[uint32(v)] = e.Name()
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("cannot read migration %s: %w", e.Name(), err)
		}
		single, err := RenderSQL(e.Name(), string(b), Layout{})
		if err != nil {
			return nil, fmt.Errorf("migration %w", err)
		}
		sum := sha256.Sum256([]byte(single))
		out = append(out, Migration{Version: uint32(v), Name: e.Name(), Checksum: hex.EncodeToString(sum[:]), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies the migrations in fsys that the database has not recorded,
// in order, and returns the names it applied. Each statement of a migration
// must be safe to run twice (IF NOT EXISTS), so that a migration interrupted
// half-way can simply run again; a migration that backfills a table drops it
// first, so that running it again starts the table over. A migration is
// recorded only once all its statements succeeded. A failing migration stops
// with its file name and statement. Each file is rendered for e's Layout: on
// a cluster, schema_migrations itself spans the cluster and every statement
// runs ON CLUSTER (execDDL).
func Migrate(ctx context.Context, e Engine, fsys fs.FS, log *slog.Logger) ([]string, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	migrations, err := LoadMigrations(fsys)
	if err != nil {
		return nil, err
	}
	layout := LayoutOf(e)
	if err := execTemplate(ctx, e, "migrations_table.sql", sqlMigrationsTable, layout); err != nil {
		return nil, fmt.Errorf("cannot create schema_migrations: %w", err)
	}
	applied, err := appliedMigrations(ctx, e)
	if err != nil {
		return nil, err
	}
	var ran []string
	for _, m := range migrations {
		if sum, ok := applied[m.Version]; ok {
			if sum != m.Checksum {
				log.Warn("applied migration has changed since it ran; it is not run again", "migration", m.Name)
			}
			continue
		}
		stmts, err := renderStatements(m.Name, m.SQL, layout)
		if err != nil {
			return ran, fmt.Errorf("migration %w", err)
		}
		start := time.Now()
		for i, s := range stmts {
			if err := execDDL(ctx, e, layout, s); err != nil {
				return ran, fmt.Errorf("migration %s, statement %d: %w", m.Name, i+1, err)
			}
		}
		if err := e.Exec(ctx, sqlMigrationRecord,
			Named("version", m.Version), Named("name", m.Name),
			Named("checksum", m.Checksum), Named("applied_at", time.Now())); err != nil {
			return ran, fmt.Errorf("migration %s ran but cannot be recorded: %w", m.Name, err)
		}
		log.Info("applied migration", "migration", m.Name, "statements", len(stmts), "duration", time.Since(start))
		ran = append(ran, m.Name)
	}
	return ran, nil
}

// Statements are m's statements rendered for l, in order.
func (m Migration) Statements(l Layout) ([]string, error) {
	return renderStatements(m.Name, m.SQL, l)
}

// renderStatements renders a statement file for layout and splits it.
func renderStatements(name, text string, layout Layout) ([]string, error) {
	sql, err := RenderSQL(name, text, layout)
	if err != nil {
		return nil, err
	}
	stmts, err := SplitStatements(sql)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return stmts, nil
}

// execTemplate renders a statement file for layout and runs its statements.
func execTemplate(ctx context.Context, e Engine, name, text string, layout Layout) error {
	stmts, err := renderStatements(name, text, layout)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if err := execDDL(ctx, e, layout, s); err != nil {
			return err
		}
	}
	return nil
}

func appliedMigrations(ctx context.Context, e Engine) (map[uint32]string, error) {
	rows, err := e.Query(ctx, sqlMigrationsApplied)
	if err != nil {
		return nil, fmt.Errorf("cannot read schema_migrations: %w", err)
	}
	defer rows.Close()
	out := map[uint32]string{}
	for rows.Next() {
		var v uint32
		var name, sum string
		if err := rows.Scan(&v, &name, &sum); err != nil {
			return nil, fmt.Errorf("cannot read schema_migrations: %w", err)
		}
		out[v] = sum
	}
	return out, rows.Err()
}
