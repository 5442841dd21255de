package importjob

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// The files of a job's folder.
const (
	jobName      = "job.json"
	rejectedName = "rejected.csv"
)

// save writes the job's job.json through a temporary name, so that a
// crash leaves the old state or the new, never half of one.
func save(dir string, j *Job) error {
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("cannot record import %s: %w", j.ID, err)
	}
	tmp := filepath.Join(dir, jobName+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("cannot record import %s: %w", j.ID, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, jobName)); err != nil {
		return fmt.Errorf("cannot record import %s: %w", j.ID, err)
	}
	return nil
}

// saveLogged saves the job, logging a failure: the job goes on in memory.
func (m *Manager) saveLogged(j *Job) {
	if err := save(filepath.Join(m.opts.Dir, j.ID), j); err != nil {
		m.log.Warn("cannot record an import's state", "id", j.ID, "err", err)
	}
}

// load reads the jobs of the folder. A folder without a readable job.json
// is an upload a crash cut short, and is removed; a job that was queued or
// running is queued again if its upload is there, and failed otherwise.
func (m *Manager) load() error {
	entries, err := os.ReadDir(m.opts.Dir)
	if err != nil {
		return fmt.Errorf("cannot read the imports folder: %w", err)
	}
	var requeue []*Job
	for _, e := range entries {
		if !e.IsDir() || !ValidID(e.Name()) {
			continue // not ours
		}
		dir := filepath.Join(m.opts.Dir, e.Name())
		var j Job
		b, err := os.ReadFile(filepath.Join(dir, jobName))
		if err == nil {
			err = json.Unmarshal(b, &j)
		}
		if err != nil || j.ID != e.Name() {
			m.log.Warn("removing an import left unfinished", "id", e.Name(), "err", err)
			os.RemoveAll(dir)
			continue
		}
		if !j.State.Finished() {
			if _, err := os.Stat(filepath.Join(dir, uploadName(j.Gzip))); err == nil {
				j.State, j.Started, j.BytesRead, j.RowsRead, j.Rejected, j.Checking = Queued, nil, 0, 0, 0, false
				requeue = append(requeue, &j)
			} else {
				now := m.opts.Now().UTC()
				j.State, j.Status, j.Finished = Failed, "error", &now
				j.Error = "interrupted, and its upload is gone: send the file again"
			}
			m.saveLogged(&j)
		}
		m.jobs[j.ID] = &j
	}
	slices.SortFunc(requeue, func(a, b *Job) int { return a.Created.Compare(b.Created) })
	for _, j := range requeue {
		m.queue = append(m.queue, j.ID)
		m.log.Info("import queued again after a restart", "id", j.ID, "file", j.File)
	}
	return nil
}

// removeIfThere removes a file, logging a failure other than its absence.
func (m *Manager) removeIfThere(path string) {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		m.log.Warn("cannot remove an import's file", "path", path, "err", err)
	}
}
