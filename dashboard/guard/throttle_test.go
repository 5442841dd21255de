package guard

import (
	"testing"
	"time"
)

// TestThrottleAccountDelay: the account's delay doubles from the
// accountFree-th consecutive failure, is capped, is forgotten after an
// hour without failures, and never applies at an address that signed in
// before.
func TestThrottleAccountDelay(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	th := newThrottle()
	const acct = "user admin"
	th.succeeded("home", acct, t0)
	at := t0
	for i := range accountFree + 10 {
		addr := "addr" + string(rune('a'+i)) // a new address each time: no per-address limit
		want := time.Duration(0)
		if i >= accountFree {
			want = min(time.Second<<(i-accountFree), accountMaxDelay)
		}
		// Asked right after the previous failure.
		if got := th.wait(scopeSignIn, addr, acct, at); i > 0 && got != want {
			t.Fatalf("after %d failures: wait %s, want %s", i, got, want)
		}
		if got := th.wait(scopeSignIn, "home", acct, at); got != 0 {
			t.Fatalf("after %d failures, the known address waits %s", i, got)
		}
		at = at.Add(want)
		th.failed(scopeSignIn, addr, acct, at)
	}
	th.succeeded("new", acct, at)
	if got := th.wait(scopeSignIn, "new", acct, at); got != 0 {
		t.Errorf("where the account just signed in: wait %s", got)
	}
	if got := th.wait(scopeSignIn, "other", acct, at); got != accountMaxDelay {
		t.Errorf("elsewhere, after a success: wait %s, want %s still", got, accountMaxDelay)
	}
	if got := th.wait(scopeSignIn, "other", acct, at.Add(accountForget+time.Second)); got != 0 {
		t.Errorf("an hour later: wait %s", got)
	}
}

// TestThrottleAddressWindow: addrBurst failures within addrWindow hold the
// address until the oldest of them leaves the window; scopes do not mix.
func TestThrottleAddressWindow(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	th := newThrottle()
	for i := range addrBurst {
		th.failed(scopeSignIn, "a", "", t0.Add(time.Duration(i)*time.Second))
	}
	now := t0.Add(10 * time.Second)
	if got, want := th.wait(scopeSignIn, "a", "", now), addrWindow-10*time.Second; got != want {
		t.Errorf("wait %s, want %s", got, want)
	}
	if got := th.wait(scopePush, "a", "", now); got != 0 {
		t.Errorf("sign-in failures hold pushes back for %s", got)
	}
	if got := th.wait(scopeSignIn, "a", "", t0.Add(addrWindow)); got != 0 {
		t.Errorf("once the first failure left the window: wait %s", got)
	}
}
