package guard

import (
	"sync"
	"time"
)

// Guessing a password or a token — on the sign-in form, with HTTP Basic,
// with a Bearer token, or at a push receiver — is limited twice:
//
//   - Per client address (clientaddr.go; an IPv6 client by its /64): after
//     addrBurst failures within addrWindow, every further attempt from it
//     is refused with 429 and Retry-After, right credentials included,
//     until the oldest failure leaves the window. A client is only ever
//     held back by its own failures. Push receivers count in their own
//     budget, so a mistyped password never stops a bridge.
//   - Per account (the admin's user name; every Bearer token counts as one
//     account, "token"): after accountFree consecutive failures from
//     anywhere, the account's next attempt must wait 1 s, then 2 s, 4 s …
//     at most accountMaxDelay after the latest failure; an hour without
//     failures clears it. This is what slows an attacker who rotates
//     addresses — to about one guess a minute — and it slows rather than
//     blocks: whoever asks after the delay is checked. A success does not
//     clear it (a script signing in every few seconds would otherwise hand
//     an attacker accountFree fresh guesses each time); it marks the
//     address known instead.
//
// An attacker could keep renewing the per-account delay, so it does not
// apply to an address that has signed in to that account successfully
// within knownFor: the admin's usual places are never held back by
// someone else's failures. User names that are not the admin's are counted
// per address only (there is nothing to guess for them, and tracking every
// name sent would let a flood of names push the admin's record out).
//
// The checks of one address, and of one account, run one at a time
// (hold), so that concurrent guesses cannot all start before the first
// failure is recorded.
//
// The state is in memory and bounded; a restart forgets it.
const (
	addrBurst       = 5
	addrWindow      = 5 * time.Minute
	accountFree     = 5
	accountMaxDelay = time.Minute
	accountForget   = time.Hour
	knownFor        = 30 * 24 * time.Hour
	maxThrottled    = 10_000 // addresses with recent failures
	maxKnown        = 1_000  // address–account pairs that signed in
)

// Throttle scopes: budgets of an address that do not share failures.
const (
	scopeSignIn = "sign-in"
	scopePush   = "push"
)

// accountToken is the account every Bearer token counts under.
const accountToken = "token"

// throttle is the state of both limits.
type throttle struct {
	mu       sync.Mutex
	addrs    map[string][]time.Time // scope + address → failures within addrWindow, oldest first
	accounts map[string]*accountFailures
	known    map[string]time.Time // account + address → until when it is known
	locks    keyedLocks
}

type accountFailures struct {
	n    int // consecutive failures
	last time.Time
}

func newThrottle() *throttle {
	return &throttle{addrs: map[string][]time.Time{}, accounts: map[string]*accountFailures{}, known: map[string]time.Time{}}
}

// hold serialises the checks of one client address and of one account
// (account "" for none) until the returned function is called. Checking a
// password takes a while (bcrypt); without this, a client that opened a
// hundred connections at once — or a hundred clients guessing at one
// account — would have a hundred guesses checked before the first failure
// was recorded. Lawful concurrent requests (a browser's six connections
// with the same Basic credentials) wait for the first check, then pass on
// the remembered result.
func (t *throttle) hold(scope, addr, account string) (release func()) {
	unlockAddr := t.locks.lock(scope + " " + addr)
	if account == "" {
		return unlockAddr
	}
	unlockAccount := t.locks.lock("account " + account)
	return func() {
		unlockAccount()
		unlockAddr()
	}
}

// wait is how long the client at addr must wait before an attempt on
// account ("" for none) may be checked; 0 means check it now.
func (t *throttle) wait(scope, addr, account string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var wait time.Duration
	if fs := t.recent(scope+" "+addr, now); len(fs) >= addrBurst {
		wait = fs[len(fs)-addrBurst].Add(addrWindow).Sub(now)
	}
	a := t.accounts[account]
	if account == "" || a == nil || a.n < accountFree || t.isKnown(account, addr, now) {
		return max(wait, 0)
	}
	delay := min(time.Second<<min(a.n-accountFree, 16), accountMaxDelay)
	return max(wait, a.last.Add(delay).Sub(now), 0)
}

// keyedLocks are mutexes by key, kept only while someone holds or waits
// for one.
type keyedLocks struct {
	mu sync.Mutex
	m  map[string]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	users int
}

func (k *keyedLocks) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyedLock{}
		k.m[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// failed records a failed attempt.
// It reports whether this failure made the address throttled, or started
// the account's delay, so that each is logged once rather than at every
// refusal.
func (t *throttle) failed(scope, addr, account string, now time.Time) (addrHeld, accountSlowed bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := scope + " " + addr
	fs := t.recent(key, now)
	if fs == nil && len(t.addrs) >= maxThrottled {
		t.evictAddr(now)
	}
	t.addrs[key] = append(fs, now)
	addrHeld = len(fs)+1 == addrBurst
	if account == "" {
		return addrHeld, false
	}
	a := t.accounts[account]
	if a == nil {
		a = &accountFailures{}
		t.accounts[account] = a
	}
	if now.Sub(a.last) > accountForget {
		a.n = 0
	}
	a.n++
	a.last = now
	return addrHeld, a.n == accountFree
}

// succeeded remembers the address as one the account signs in from.
func (t *throttle) succeeded(addr, account string, now time.Time) {
	if account == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	key := account + " " + addr
	if _, ok := t.known[key]; !ok && len(t.known) >= maxKnown {
		t.evictKnown(now)
	}
	t.known[key] = now.Add(knownFor)
}

// recent drops the failures of key that left the window and returns the
// rest (nil, and no entry, when none are left).
func (t *throttle) recent(key string, now time.Time) []time.Time {
	fs := t.addrs[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= addrWindow {
		i++
	}
	if i == len(fs) {
		delete(t.addrs, key)
		return nil
	}
	// Only the last addrBurst matter for the answer; keep no more.
	fs = fs[max(i, len(fs)-addrBurst):]
	t.addrs[key] = fs
	return fs
}

func (t *throttle) isKnown(account, addr string, now time.Time) bool {
	until, ok := t.known[account+" "+addr]
	return ok && now.Before(until)
}

// evictAddr makes room for a new address: the stale first, else the one
// whose latest failure is oldest. An attacker who can fill the table
// already holds that many addresses, each with a budget of its own.
func (t *throttle) evictAddr(now time.Time) {
	oldest, oldestAt := "", now
	for k, fs := range t.addrs {
		last := fs[len(fs)-1]
		if now.Sub(last) >= addrWindow {
			delete(t.addrs, k)
			continue
		}
		if last.Before(oldestAt) || oldest == "" {
			oldest, oldestAt = k, last
		}
	}
	if len(t.addrs) >= maxThrottled {
		delete(t.addrs, oldest)
	}
}

// evictKnown drops expired pairs, else the one that expires first.
func (t *throttle) evictKnown(now time.Time) {
	first, firstAt := "", time.Time{}
	for k, until := range t.known {
		if !now.Before(until) {
			delete(t.known, k)
			continue
		}
		if first == "" || until.Before(firstAt) {
			first, firstAt = k, until
		}
	}
	if len(t.known) >= maxKnown {
		delete(t.known, first)
	}
}
