package guard

// Names the external tests need.

// The session cookie, and the failures after which an address is held
// back and an account slowed.
const (
	CookieSession = cookieSession
	AddrBurst     = addrBurst
	AccountFree   = accountFree
)
