package report

import (
	"testing"

	"github.com/imscope/imscope/dashboard/pages"
)

// TestReportsCatalogKeys: the keys the Reports page builds at run time
// from a run's status and trigger and a report's sections exist in both
// catalogs (the pages' own run-time keys are checked in package pages).
func TestReportsCatalogKeys(t *testing.T) {
	var keys []string
	for _, s := range []string{StatusRunning, StatusOK, StatusPartial, StatusFailed, StatusMissed} {
		keys = append(keys, "status."+s)
	}
	for _, tr := range []string{TriggerSchedule, TriggerCatchUp, TriggerMissed, TriggerManual} {
		keys = append(keys, "reports.trigger."+tr)
	}
	for _, s := range Sections {
		keys = append(keys, "report.section."+string(s))
	}
	for _, k := range keys {
		for _, l := range pages.Languages {
			if !pages.HasText(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}
