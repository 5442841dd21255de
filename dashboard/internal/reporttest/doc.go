// Package reporttest gives the tests of the API, the pages and the server a
// real report service over the demo data (dashtest), with a stub renderer:
// its own package because the report package's own tests use dashtest, and
// dashtest must not import report.
package reporttest
