// Package jsonapi collects usage and bridge samples from JSON HTTP APIs —
// the statistics endpoints vendors and bridge operators expose, which come
// in as many shapes as there are vendors.
//
// Rather than code per vendor, a source is configured: the URL and its
// authentication, a path to the records in the response (data.networks[*])
// and, for each row field, a path into the record (stats.dau), a path from
// the document root ($.generated_at), a fixed value (=active_users_1d) or
// the record's member name (@key). The path syntax is the simple part of
// JSONPath, described on Config and path. A vendor that changes its shape
// then needs a config edit, not a release.
//
// APIs that answer one virtual host, tenant or region at a time are asked
// once per item of a list (Each): the list given, fetched at every run, or
// both — then a configured item the list lacks fails the run by name
// rather than being asked, since such APIs tend to answer zero for what
// they do not have. {var} placeholders in the URL, the body and fixed
// values are filled with each item, encoded for where they stand. Requests
// may be POST with a body, and authenticate with a bearer token, HTTP
// Basic or headers from the environment.
//
// Vendor data is untidy, so the rules are the CSV importer's: a record
// that lacks a field or holds a non-number where a number belongs becomes
// a collector.Problem naming the record (its index and its concrete path)
// and the field's path, and the good records still land. A response that
// is not JSON, too large, or not shaped as configured fails the fetch.
//
// Secrets — the bearer token, the Basic password and header values from
// the environment — are read at every fetch (so rotation needs no
// restart), never logged, never put in an error, and not forwarded when
// the API redirects to another host.
package jsonapi
