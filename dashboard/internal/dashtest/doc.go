// Package dashtest is the dashboard's shared test support: the demo data
// every test of the assembled server reads (an embedded engine loaded with
// 18 months of the simulated market, hostile network names, bridge states,
// alert events, a silence and a retired report's run), a whole server over
// it, an admin to sign in as, and the requests tests send.
//
// It is imported only by _test.go files (the layout test in the module's
// root checks it): it assembles the whole server, so it imports the
// dashboard's root, which nothing else may.
package dashtest
