// Package yamlconf fills a configuration struct from a YAML file and from
// single keys set by name (environment variables, flags), and reports every
// problem at once, each naming where its value came from:
//
//	imscope.yaml:12: networks[2].color: "#12345" is not a #rrggbb colour
//	IMSCOPE_LISTEN: ":99999" is not a valid listen address
//
// It walks the yaml.Node tree by reflection on yaml tags instead of calling
// yaml.Unmarshal, because yaml.Unmarshal stops at the first problem, ignores
// unknown keys and forgets the lines once it is done. Here an unknown key is
// an error with the nearest known key suggested ("did you mean"), a value of
// the wrong shape names its key, and the line of every key is kept, so that
// validation, which runs after decoding, blames the line too (Problems).
//
// The struct needs nothing but yaml tags: exported fields with a tag are
// keys; time.Duration fields take Go durations ("30s"); pointers are
// optional sections; slices, maps, strings, numbers and booleans decode as
// yaml.v3 decodes them. A key left out, or set to null, keeps the struct's
// value, so defaults are whatever the caller put there first; a list in the
// file replaces the default list entirely.
//
// Nothing here knows a key of any program's configuration: the caller owns
// the struct, the defaults and the rules about values.
package yamlconf
