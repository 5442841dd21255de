package importjob_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/importjob"
	"github.com/imscope/imscope/queries/enginetest"
)

var dataDir string

func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &dataDir)) }

const shares = "period,publisher,basis,network,share_pct,bound,note\n" +
	"2010-Q3,Test,users,qq,76.37,eq,\n" +
	"2010-Q3,Test,users,msn,4.34,eq,\n"

// runner is a real runner over a database of the test's own.
func runner(t *testing.T, db string) *collector.Runner {
	t.Helper()
	e := enginetest.Migrated(t, dataDir, db)
	return collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
}

// work runs m's queue until every job has finished.
func work(t *testing.T, m *importjob.Manager) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		finished := true
		for _, j := range m.Jobs() {
			finished = finished && j.State.Finished()
		}
		if finished {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the jobs did not finish")
}

// TestJobsSurviveARestart: a job queued when the server stopped runs at
// the next start, from its upload; finished jobs are listed again as they
// were; what a crash left half made is removed, and a job whose upload is
// gone fails, saying so.
func TestJobsSurviveARestart(t *testing.T) {
	r := runner(t, "importjob_restart")
	dir := t.TempDir()
	m, err := importjob.New(importjob.Options{Dir: dir, Runner: r})
	if err != nil {
		t.Fatal(err)
	}
	done, err := m.Start(importjob.Spec{Kind: "reports", File: "first.csv"}, strings.NewReader(shares))
	if err != nil {
		t.Fatal(err)
	}
	work(t, m)
	queued, err := m.Start(importjob.Spec{Kind: "reports", File: "second.csv"}, strings.NewReader(shares))
	if err != nil {
		t.Fatal(err)
	}
	lost, err := m.Start(importjob.Spec{Kind: "reports", File: "lost.csv"}, strings.NewReader(shares))
	if err != nil {
		t.Fatal(err)
	}
	// The server stops before running them; lost's upload goes missing,
	// and an upload was being received.
	if err := os.Remove(filepath.Join(dir, lost.ID, "upload.csv")); err != nil {
		t.Fatal(err)
	}
	half := filepath.Join(dir, "20260101-000000-0123abcd")
	if err := os.MkdirAll(half, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(half, "upload.csv.part"), []byte("period"), 0o600); err != nil {
		t.Fatal(err)
	}

	m2, err := importjob.New(importjob.Options{Dir: dir, Runner: r})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(half); !os.IsNotExist(err) {
		t.Errorf("a half-received upload is kept: %v", err)
	}
	if j, _ := m2.Job(lost.ID); j.State != importjob.Failed || !strings.Contains(j.Error, "upload is gone") {
		t.Errorf("the job without its upload: %+v", j)
	}
	if j, _ := m2.Job(queued.ID); j.State != importjob.Queued {
		t.Errorf("the queued job after a restart: %+v", j)
	}
	work(t, m2)
	first, _ := m2.Job(done.ID)
	second, _ := m2.Job(queued.ID)
	if first.State != importjob.Done || first.Stored != 2 || first.Run == nil {
		t.Errorf("the finished job after a restart: %+v", first)
	}
	if second.State != importjob.Done || second.Stored != 0 || second.Existing != 2 || second.Run == nil || second.Run.Target != "second.csv" {
		t.Errorf("the queued job, run after the restart: %+v", second)
	}
	if _, err := os.Stat(filepath.Join(dir, queued.ID, "upload.csv")); !os.IsNotExist(err) {
		t.Errorf("the upload of a finished job is kept: %v", err)
	}
	if ids := jobIDs(m2.Jobs()); len(ids) != 3 || ids[0] != lost.ID || ids[2] != done.ID {
		t.Errorf("jobs %v, want newest first", ids)
	}
}

func jobIDs(jobs []importjob.Job) []string {
	var out []string
	for _, j := range jobs {
		out = append(out, j.ID)
	}
	return out
}

// TestJobsArePruned: beyond Keep jobs, or older than MaxAge, a finished
// job is forgotten and its folder removed.
func TestJobsArePruned(t *testing.T) {
	r := runner(t, "importjob_prune")
	dir := t.TempDir()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	m, err := importjob.New(importjob.Options{Dir: dir, Runner: r, Keep: 2, MaxAge: 48 * time.Hour, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 3 {
		now = now.Add(time.Hour)
		j, err := m.Start(importjob.Spec{Kind: "reports", File: "f" + string(rune('a'+i)) + ".csv"}, strings.NewReader(shares))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
		work(t, m)
	}
	if got := jobIDs(m.Jobs()); len(got) != 2 || got[0] != ids[2] || got[1] != ids[1] {
		t.Errorf("kept %v, want the newest two of %v", got, ids)
	}
	if _, err := os.Stat(filepath.Join(dir, ids[0])); !os.IsNotExist(err) {
		t.Errorf("the pruned job's folder is kept: %v", err)
	}
	now = now.Add(72 * time.Hour)
	m2, err := importjob.New(importjob.Options{Dir: dir, Runner: r, Keep: 2, MaxAge: 48 * time.Hour, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if got := m2.Jobs(); len(got) != 0 {
		t.Errorf("jobs older than MaxAge are kept: %v", jobIDs(got))
	}
}
