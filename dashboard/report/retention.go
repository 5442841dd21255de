package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/imscope/imscope/queries"
)

// applyRetention deletes the runs of def that its Retention no longer
// keeps: their files first, then their rows, so a failure leaves a row
// pointing at files rather than files nobody knows about. Only files under
// the report directory are deleted; those of `report run --out` elsewhere
// are the user's.
func (s *Service) applyRetention(ctx context.Context, def *Definition) error {
	keep := def.Keep
	if keep.Runs <= 0 && keep.Days <= 0 {
		return nil
	}
	runs, err := queries.RecentReportRuns(ctx, s.opts.Engine, def.Name, 1_000_000)
	if err != nil {
		return err
	}
	cutoff := s.opts.Now().Add(-time.Duration(keep.Days) * 24 * time.Hour)
	var ids []string
	var errs []error
	for i, r := range runs { // newest first
		tooMany := keep.Runs > 0 && i >= keep.Runs
		tooOld := keep.Days > 0 && r.ScheduledFor.Before(cutoff)
		if i == 0 || (!tooMany && !tooOld) {
			continue
		}
		if err := s.removeFiles(r.Files); err != nil {
			errs = append(errs, fmt.Errorf("run %s: %w", r.RunID, err))
			continue
		}
		ids = append(ids, r.RunID)
	}
	if err := queries.DeleteReportRuns(ctx, s.opts.Engine, def.Name, ids); err != nil {
		errs = append(errs, err)
	}
	if len(ids) > 0 {
		s.opts.Logger.Info("report retention deleted old runs", "report", def.Name, "runs", len(ids))
	}
	return errors.Join(errs...)
}

// removeFiles deletes a run's files that lie under the report directory,
// and their folder once it is empty.
func (s *Service) removeFiles(files []string) error {
	var errs []error
	dirs := map[string]bool{}
	for _, f := range files {
		rel, err := filepath.Rel(s.opts.Dir, f)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			continue
		}
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		dirs[filepath.Dir(f)] = true
	}
	for d := range dirs {
		_ = os.Remove(d) // fails, as it should, while something else is in it
	}
	return errors.Join(errs...)
}
