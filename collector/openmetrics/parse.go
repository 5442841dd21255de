package openmetrics

import (
	"fmt"
	"mime"
	"strings"

	"github.com/imscope/imscope/collector/openmetrics/exposition"
)

// accept asks for the Prometheus text format first, then OpenMetrics 1.0:
// both parse at the same speed (package exposition); the order is the one
// imscope has always sent, so targets answer as they always have.
const accept = "text/plain;version=0.0.4;q=1," +
	"application/openmetrics-text;version=1.0.0;q=0.8," +
	"application/openmetrics-text;version=0.0.1;q=0.7,*/*;q=0.1"

const (
	openMetricsType = "application/openmetrics-text"
	protobufType    = "application/vnd.google.protobuf"
)

// formatOf is the format of a body by its Content-Type: OpenMetrics (any
// version but 2.x — Prosody labels its OpenMetrics 1.0 output
// "version=0.0.4"), or else the Prometheus text format. UTF-8 metric and
// label names are accepted in both.
func formatOf(contentType string) (exposition.Format, error) {
	media, params, _ := mime.ParseMediaType(contentType)
	switch media {
	case openMetricsType:
		if v := params["version"]; strings.HasPrefix(v, "2.") {
			return 0, fmt.Errorf("OpenMetrics %s is not supported (ask for 1.0.0 or the text format)", v)
		}
		return exposition.OpenMetrics, nil
	case protobufType:
		// Not asked for, and a length prefix can make a protobuf decoder
		// allocate whatever it claims: refused rather than trusted.
		return 0, fmt.Errorf("the target answered with protobuf (%s), which imscope does not ask for or read", media)
	}
	return exposition.Text, nil
}
