// Package guard decides who is asking and how much they may ask. Every
// request passes, in the server's middleware order, SecurityHeaders (a CSP
// with a fresh nonce per page), LimitRequest (limits.go: the URL and the
// body are capped by route before anything reads them, and only
// urlencoded forms are parsed) and Identify (the client's address — the
// TCP peer unless it is a trusted proxy, clientaddr.go — then the session
// cookie, Basic or Bearer credentials). Admin actions are behind
// RequireAdmin: the admin, and a CSRF token in every browser-borne form.
//
// Push receivers are mounted under /api/v1/push/NAME/ and judge their own
// bridge tokens; the guard never looks at their Authorization header, it
// only throttles their failures (ThrottlePush). Every check of a password
// or token is throttled per address and per account (throttle.go).
// Sessions live in memory and end at sign-out, expiry, a credential change
// or a restart (sessions.go). The sign-in form is drawn by the pages; the
// guard decides what it says (MountSignIn).
package guard
