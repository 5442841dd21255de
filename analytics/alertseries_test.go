package analytics_test

import (
	"testing"

	"github.com/imscope/imscope/analytics"
)

func TestCheckSeries(t *testing.T) {
	for series, ok := range map[string]bool{"bridge.messages": true, "bridge.failure_ratio": true, "usage.messages": true, "usage.likes": false, "bridge.latency": false} {
		err := analytics.CheckSeries(analytics.Rule{Kind: analytics.RuleThreshold, Series: series})
		if (err == nil) != ok {
			t.Errorf("CheckSeries(%q) = %v", series, err)
		}
	}
}
