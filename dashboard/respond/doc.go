// Package respond holds what every answer of the dashboard's server has in
// common, whichever part writes it: where the API lives (an answer under
// /api/v1 is JSON, elsewhere text or HTML), the error body and its codes,
// the request id every answer carries and every log line names, gzip,
// HEAD served as GET, a longer write deadline for answers that wait on a
// run, and how much of a request an answer may quote back.
//
// It knows nothing of sign-in, pages or the API's endpoints: packages
// guard, api, pages and static build on it, and it imports none of them.
package respond
