// Package importjob runs CSV imports sent to the server as jobs: an upload
// is staged to a file in the data directory (never held in memory), queued,
// and imported in the background one at a time — through the server's
// collector.Runner, so that it is recorded in collector_runs like any run
// and its rows go through the writer, stored once by key however often the
// same file is sent.
//
// The person who sent the file is not waiting on the connection: an
// import of a few gigabytes takes minutes, and a browser tab or a proxy
// gives up long before. So the upload is answered as soon as it is stored,
// and the job's state — how far it has read, what it stored, the problems
// with line, column and field, the rejected records as a CSV to fix and
// send again — is kept in DATA/imports/ID/job.json, where it survives a
// restart. A job a restart interrupted runs again from the start at the
// next: rows it had stored are found stored and not stored twice.
package importjob
