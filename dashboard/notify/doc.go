// Package notify delivers messages — scheduled reports and alert
// notifications — to destinations: a local directory, a webhook (JSON,
// signed with HMAC-SHA256, Slack-compatible) and e-mail over SMTP.
//
// A Destination makes one attempt; Deliver owns retrying, so every kind
// retries the same way: exponential backoff with jitter, a server's
// Retry-After honoured, errors that retrying cannot fix (a 4xx answer, a
// refused recipient, a certificate that does not verify) not retried, and
// after Retry.Attempts tries the failure is returned for the caller to
// record. Destinations are delivered to concurrently, each under its own
// per-attempt timeout, so a slow or failing one never holds up the others.
//
// Secrets (webhook signing keys, SMTP passwords, webhook URLs, which for
// Slack carry a token in their path) are taken from the environment by the
// caller and kept in unexported fields; destinations print, log and fail
// with them redacted.
//
// This package imports nothing of dashboard, so reports and alerting (and
// the binary) can share it.
package notify
