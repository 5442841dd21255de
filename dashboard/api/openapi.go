package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/respond"
)

// The OpenAPI 3.0 document at /api/v1/openapi.json is built from the same
// endpoint declarations the router mounts — parameters, CSV tables and the
// Go types of the answers — so it cannot drift from what is served; a test
// walks gin's routes to hold the two together. Each operation also carries
// x-csv-tables: the CSV tables and their columns, machine-readable.

// sharedParamDocs documents the parameters every endpoint accepts.
func sharedParamDocs() []paramDoc {
	metrics := make([]string, len(imscope.Metrics))
	for i, m := range imscope.Metrics {
		metrics[i] = m.Name
	}
	return []paramDoc{
		{Name: ParamFrom, Type: "string", Doc: "start of the range, inclusive: a date (2011-03-15), month (2011-03), quarter (2011-Q1), year (2011) or RFC 3339 time. " +
			"Default: usage endpoints end their window with the period of the latest data (12 months at month granularity; 90 days, 26 weeks, 8 quarters, 5 years at the others); " +
			"traffic endpoints show the last 24 hours, alerts and notifications the 7 days up to the end of the current minute"},
		{Name: ParamTo, Type: "string", Doc: "end of the range, exclusive ([from, to)): from=2011-01&to=2011-04 is January to March. Same formats as from"},
		{Name: ParamGranularity, Type: "string", Default: string(DefaultGranularity), Enum: []string{"day", "week", "month", "quarter", "year"}, Doc: "period length; weeks are ISO weeks starting Monday"},
		{Name: ParamMetric, Type: "string", Default: DefaultMetric, Enum: metrics, Doc: "usage metric from the catalog"},
		{Name: ParamSegment, Type: "string", Doc: "market segment; empty for the whole market"},
		{Name: ParamNetworks, Type: "string", Doc: "network ids, comma-separated; empty for all. Unselected networks fold into \"other\" where the answer keeps the whole market"},
		{Name: ParamFormat, Type: "string", Default: FormatJSON, Enum: []string{FormatJSON, FormatCSV}, Doc: "json, or csv for one flat table (see table)"},
		{Name: ParamTable, Type: "string", Doc: "with format=csv: which table; default the first listed in x-csv-tables"},
	}
}

// buildOpenAPI renders the document for the mounted endpoints, admin
// actions and push receivers.
func buildOpenAPI(version string, endpoints []*Endpoint, actions []*action, push []string) ([]byte, error) {
	paths := map[string]any{}
	errs := map[string]any{}
	for code, what := range map[string]string{"400": "a parameter is wrong; error.param names it", "404": "no such endpoint",
		"414": "the URL is over 8 KiB", "429": "too many failed sign-ins from this address or for this account; see Retry-After",
		"500": "internal error; quote error.request_id", "503": "the database engine is not answering; retry"} {
		errs[code] = errorResponse(what)
	}
	// Shared parameters are described once, in components; table is
	// inline, its values being the endpoint's own tables.
	sharedParams := map[string]any{}
	for _, p := range sharedParamDocs() {
		if p.Name != ParamTable {
			sharedParams[p.Name] = paramObject(p)
		}
	}
	for _, ep := range endpoints {
		paths[respond.APIPrefix+ep.Path] = map[string]any{"get": endpointOperation(ep, sharedParams, errs)}
	}
	for _, ac := range actions {
		path := respond.APIPrefix + openAPIPath(ac.Path)
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		item[strings.ToLower(ac.Method)] = actionOperation(ac)
	}
	paths[respond.APIPrefix+"/openapi.json"] = map[string]any{"get": map[string]any{
		"operationId": "openapi",
		"summary":     "This document",
		"responses":   map[string]any{"200": map[string]any{"description": "OpenAPI 3.0 document", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}},
	}}
	for _, name := range push {
		paths[respond.APIPrefix+"/push/"+name+"/{rest}"] = pushItem(name)
	}
	return json.Marshal(document(version, paths, sharedParams))
}

// errorResponse is an error answer of an operation: the API's error body.
func errorResponse(what string) map[string]any {
	return map[string]any{"description": what, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
}

// endpointOperation describes the GET of an endpoint: its parameters
// (shared ones by reference), its JSON answer and CSV tables, its errors.
func endpointOperation(ep *Endpoint, sharedParams, errs map[string]any) map[string]any {
	var params []any
	for _, p := range append(sharedParamDocs(), ep.Params...) {
		switch {
		case p.Name == ParamTable:
			p.Enum = nil
			for _, t := range ep.Tables {
				p.Enum = append(p.Enum, t.Name)
			}
			params = append(params, paramObject(p))
		case sharedParams[p.Name] != nil:
			params = append(params, map[string]any{"$ref": "#/components/parameters/" + p.Name})
		default:
			params = append(params, paramObject(p))
		}
	}
	ok := map[string]any{
		"description": "the answer; JSON by default, CSV with format=csv",
		"content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{
				"type":     "object",
				"required": []string{"query", "data"},
				"properties": map[string]any{
					"query": map[string]any{"type": "object", "description": "the question as normalised: parameters parsed, defaulted and re-serialised", "additionalProperties": map[string]any{"type": "string"}},
					"data":  schemaOf(reflect.TypeOf(ep.Data)),
				},
			}},
			"text/csv": map[string]any{"schema": map[string]any{"type": "string", "description": csvDoc(ep.Tables)}},
		},
	}
	responses := map[string]any{"200": ok}
	for code, r := range errs {
		responses[code] = r
	}
	desc := ep.Description
	if len(ep.Uses) > 0 {
		desc += "\n\nUses the shared parameters " + strings.Join(ep.Uses, ", ") + "; the others are accepted and ignored."
	} else {
		desc += "\n\nUses none of the shared filter parameters; they are accepted and ignored."
	}
	return map[string]any{
		"operationId":  strings.ReplaceAll(strings.Trim(ep.Path, "/"), "/", "_"),
		"summary":      ep.Summary,
		"description":  desc,
		"parameters":   params,
		"responses":    responses,
		"x-csv-tables": ep.Tables,
	}
}

// actionOperation describes an admin action: its path parameters, its
// form fields, its answer and its errors.
func actionOperation(ac *action) map[string]any {
	params := []any{}
	fields := map[string]any{}
	for _, p := range ac.Params {
		if p.In != "form" {
			params = append(params, paramObject(p))
			continue
		}
		schema := map[string]any{"type": p.Type, "description": p.Doc}
		if p.Type == "array" {
			schema["items"] = map[string]any{"type": "string"}
		}
		fields[p.Name] = schema
	}
	content := map[string]any{ac.Produces: map[string]any{"schema": map[string]any{"type": "string"}}}
	if ac.Produces == "" {
		content = map[string]any{"application/json": map[string]any{"schema": map[string]any{
			"type": "object", "required": []string{"data"}, "properties": map[string]any{"data": schemaOf(reflect.TypeOf(ac.Data))}}}}
	}
	status, what := "200", "done"
	if ac.Status != 0 {
		status, what = strconv.Itoa(ac.Status), http.StatusText(ac.Status)
	}
	responses := map[string]any{status: map[string]any{"description": what, "content": content}}
	failures := map[string]string{"401": "no credentials, or wrong ones", "403": "not the admin, a cross-site request, or a form without its CSRF token",
		"404": "nothing of that name", "413": "the body is over 64 KiB", "415": "the body is not a urlencoded form",
		"429": "too many failed sign-ins from this address or for this account; see Retry-After", "500": "internal error; quote error.request_id"}
	maps.Copy(failures, ac.Errors)
	for code, what := range failures {
		responses[code] = errorResponse(what)
	}
	op := map[string]any{
		"operationId": ac.ID,
		"summary":     ac.Summary,
		"description": ac.Description + "\n\nAdmin only: Authorization: Bearer TOKEN (no CSRF token needed), or the admin's Basic credentials or session cookie with a _csrf form field or an X-CSRF-Token header.",
		"parameters":  params,
		"security":    []any{map[string]any{"bearer": []string{}}, map[string]any{"basic": []string{}}},
		"responses":   responses,
	}
	if len(fields) > 0 {
		op["requestBody"] = map[string]any{"content": map[string]any{"application/x-www-form-urlencoded": map[string]any{"schema": map[string]any{"type": "object", "properties": fields}}}}
	}
	if len(ac.Consumes) > 0 {
		body := map[string]any{}
		for _, mt := range ac.Consumes {
			body[mt] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
		}
		op["requestBody"] = map[string]any{"required": true, "content": body}
	}
	return op
}

// pushItem describes the push receiver of collector name, under every
// method it is mounted for.
func pushItem(name string) map[string]any {
	item := map[string]any{}
	for _, m := range respond.PushMethods {
		item[strings.ToLower(m)] = map[string]any{
			"operationId": "push_" + name + "_" + strings.ToLower(m),
			"summary":     "Push receiver of collector " + name + " (mautrix checkpoints and bridge states); it authenticates its callers itself, by their bridge tokens",
			"parameters":  []any{map[string]any{"name": "rest", "in": "path", "required": true, "schema": map[string]any{"type": "string"}, "description": "the receiver's own path; may contain slashes"}},
			"responses":   map[string]any{"default": map[string]any{"description": "as the receiver answers"}},
		}
	}
	return item
}

// document is the whole OpenAPI document around paths.
func document(version string, paths, sharedParams map[string]any) map[string]any {
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":   "imscope API",
			"version": version,
			"description": "Market share, concentration, switching, multi-homing, reachability and bridge health as JSON and CSV. " +
				"Every JSON answer is {\"query\": normalised parameters, \"data\": ...}; every error is {\"error\": {\"code\", \"message\", \"param\", \"request_id\"}}. " +
				"Unknown parameters and parameters given twice are 400. Answers are cached briefly by their normalised question (X-Cache: hit|miss) and gzip-compressed when asked. " +
				"CSV: UTF-8, RFC 4180, one flat table per request; text cells starting with = + - @ tab or CR get a leading single quote so spreadsheets read them as text.",
		},
		"paths": paths,
		"components": map[string]any{"parameters": sharedParams, "securitySchemes": map[string]any{
			"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "the admin token (its SHA-256 is dashboard.auth.admin_token_sha256)"},
			"basic":  map[string]any{"type": "http", "scheme": "basic", "description": "the admin user and password (bcrypt hash in dashboard.auth.admin_password_bcrypt)"},
		}, "schemas": map[string]any{"Error": map[string]any{
			"type": "object", "required": []string{"error"},
			"properties": map[string]any{"error": map[string]any{"type": "object", "required": []string{"code", "message", "request_id"},
				"properties": map[string]any{
					"code":       map[string]any{"type": "string", "enum": respond.Codes},
					"message":    map[string]any{"type": "string"},
					"param":      map[string]any{"type": "string", "description": "the parameter at fault (400 only)"},
					"request_id": map[string]any{"type": "string", "description": "also in the X-Request-Id header and the server log"},
				}}},
		}}},
	}
}

// openAPIPath writes gin's path parameters (:name) as OpenAPI's ({name}).
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			parts[i] = "{" + name + "}"
		}
	}
	return strings.Join(parts, "/")
}

func paramObject(p paramDoc) map[string]any {
	typ := p.Type
	schema := map[string]any{"type": typ}
	if p.Default != "" {
		schema["default"] = p.Default
		if n, err := strconv.Atoi(p.Default); err == nil && typ == "integer" {
			schema["default"] = n
		}
	}
	if len(p.Enum) > 0 {
		schema["enum"] = p.Enum
	}
	in := p.In
	if in == "" {
		in = "query"
	}
	return map[string]any{"name": p.Name, "in": in, "required": p.Required, "description": p.Doc, "schema": schema}
}

// csvDoc describes an endpoint's CSV tables for people.
func csvDoc(tables []Table) string {
	var b strings.Builder
	for i, t := range tables {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "table=%s (%s): ", t.Name, t.Doc)
		for j, c := range t.Columns {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.Name)
		}
		b.WriteString(".")
		if i == 0 && len(tables) > 1 {
			b.WriteString(" (default)")
		}
	}
	return b.String()
}

var (
	timeType = reflect.TypeFor[time.Time]()
	dayType  = reflect.TypeFor[Day]()
)

// schemaOf derives a JSON schema from the Go type encoding/json renders,
// following its rules: json tags name fields, embedded structs are
// inlined, pointers may be null.
func schemaOf(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == dayType:
		return map[string]any{"type": "string", "format": "date"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := schemaOf(t.Elem())
		s["nullable"] = true
		return s
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		addFields(t, props, &required)
		sort.Strings(required)
		return map[string]any{"type": "object", "properties": props, "required": required}
	}
	return map[string]any{}
}

func addFields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			addFields(f.Type, props, required)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type)
		*required = append(*required, name)
	}
}
