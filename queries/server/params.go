package server

import (
	"context"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/imscope/imscope/queries"
)

// withParams attaches params to ctx as server-side query parameters, bound
// by ClickHouse to the query's {name:Type} placeholders.
//
// Each value is sent as the text queries.FormatParam renders, exactly the
// text the embedded engine hands to chdb_query_with_params: ClickHouse's
// "escaped" form for scalars (\\ \t \n \r \0 escaped, \N for NULL) and
// literal syntax for arrays and maps. No further escaping is needed here,
// and none may be added, because of how clickhouse-go v2.50.0 transmits
// clickhouse.Parameters over the native protocol (lib/proto/query.go,
// Parameter.encode): every value goes out as a "custom" setting whose
// payload is a quoted Field dump, '…' with \ ' \n \r \t and NUL
// backslash-escaped (encodeFieldDump/fieldDumpEscaper). The server undoes
// exactly that layer (Field::restoreFromDump → readQuoted) and then parses
// the text it got back with the placeholder's type, as escaped text
// (deserializeTextEscaped) — the same step the embedded engine's values go
// through. The driver's extra layer is transport framing that round-trips
// byte for byte, so FormatParam's text reaches the parser unchanged and a
// value with quotes, backslashes, tabs, newlines, NUL, emoji or Chinese
// arrives as it left. clickhouse-go's integration test
// tests/query_parameters_test.go pins this down: WithParameters values
// `line 1\nline 2\tend` and `line 1\\nline 2` come back as a real newline
// and tab, and as a literal backslash. (clickhouse-go's own escaping of
// top-level strings, namedStringEscaper, applies only to values passed as
// clickhouse.Named arguments, which this engine does not use.)
//
// Servers older than protocol revision 54459 receive no parameters at all;
// Open refuses those (MinVersion) before any query runs.
func withParams(ctx context.Context, params []queries.Param) (context.Context, error) {
	if len(params) == 0 {
		return ctx, nil
	}
	values := make(clickhouse.Parameters, len(params))
	for _, p := range params {
		text, err := queries.FormatParam(p.Value)
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		values[p.Name] = text
	}
	return clickhouse.Context(ctx, clickhouse.WithParameters(values)), nil
}
