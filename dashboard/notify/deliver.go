package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Destination is one place messages go. Send makes a single attempt and
// says, through the error, whether another could succeed: an error wrapped
// by Permanent is not retried, a *RetryAfterError is retried no sooner than
// it says, any other error is retried with backoff.
type Destination interface {
	// Name is the destination's configured name, for logs and run records.
	Name() string
	// Kind is "directory", "webhook" or "email".
	Kind() string
	Send(ctx context.Context, m *Message) error
}

// Target is a destination with the retry policy it is delivered with.
type Target struct {
	Destination Destination
	Retry       Retry
}

// Retry is how hard delivery to one destination tries. The zero value is
// the defaults.
type Retry struct {
	// Attempts is how many tries in all before giving up (default 5).
	Attempts int
	// Backoff is the wait after the first failure (default 1s); it doubles
	// after each further failure, up to MaxBackoff (default 1m), and each
	// wait is jittered between half and all of it, so destinations that
	// failed together do not retry in lockstep.
	Backoff, MaxBackoff time.Duration
	// Timeout bounds each attempt (default 30s).
	Timeout time.Duration
}

// Defaults of Retry.
const (
	DefaultAttempts   = 5
	DefaultBackoff    = time.Second
	DefaultMaxBackoff = time.Minute
	DefaultTimeout    = 30 * time.Second
	// MaxRetryAfter is the longest Retry-After honoured; a server asking
	// for more is given up on at once rather than holding the run.
	MaxRetryAfter = 10 * time.Minute
)

func (r Retry) withDefaults() Retry {
	if r.Attempts < 1 {
		r.Attempts = DefaultAttempts
	}
	if r.Backoff <= 0 {
		r.Backoff = DefaultBackoff
	}
	if r.MaxBackoff <= 0 {
		r.MaxBackoff = DefaultMaxBackoff
	}
	if r.MaxBackoff < r.Backoff {
		r.MaxBackoff = r.Backoff
	}
	if r.Timeout <= 0 {
		r.Timeout = DefaultTimeout
	}
	return r
}

// wait is the jittered backoff before try number attempt+1.
func (r Retry) wait(attempt int) time.Duration {
	d := r.Backoff
	for i := 1; i < attempt && d < r.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, r.MaxBackoff)
	return d/2 + rand.N(d/2+1)
}

// Permanent marks err as one that retrying cannot fix.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err was marked by Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// RetryAfterError is a transient failure whose server said when to try
// again (HTTP 429 or 503 with Retry-After).
type RetryAfterError struct {
	Err   error
	After time.Duration
}

func (e *RetryAfterError) Error() string { return e.Err.Error() }
func (e *RetryAfterError) Unwrap() error { return e.Err }

// Result is the outcome of delivering a message to one destination.
type Result struct {
	Destination string
	Kind        string
	Attempts    int
	Err         error // nil when delivered
	// Interrupted is set when delivery stopped because ctx was cancelled
	// (a shutdown) rather than because it gave up: the caller sends the
	// message again after the restart.
	Interrupted bool
}

// Deliver sends m to every target at once and returns their outcomes in
// the order of targets. It returns when every target has delivered or given
// up; a panicking destination counts as failed.
func Deliver(ctx context.Context, targets []Target, m *Message, log *slog.Logger) []Result {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	out := make([]Result, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { out[i] = deliverOne(ctx, t, m, log) })
	}
	wg.Wait()
	return out
}

func deliverOne(ctx context.Context, t Target, m *Message, log *slog.Logger) (res Result) {
	d, r := t.Destination, t.Retry.withDefaults()
	res = Result{Destination: d.Name(), Kind: d.Kind()}
	defer func() {
		if p := recover(); p != nil {
			res.Err = fmt.Errorf("%s %s: panic: %v", d.Kind(), d.Name(), p)
		}
	}()
	for {
		res.Attempts++
		err := attempt(ctx, d, m, r.Timeout)
		if err == nil {
			res.Err = nil
			if res.Attempts > 1 {
				log.Info("delivered after retrying", "destination", d.Name(), "attempts", res.Attempts, "message", m.ID)
			}
			return res
		}
		res.Err = err
		if shutDown(ctx) {
			return interrupted(ctx, res, err, d, m, log)
		}
		wait := r.wait(res.Attempts)
		var ra *RetryAfterError
		switch {
		case IsPermanent(err):
			log.Warn("cannot deliver; not retrying", "destination", d.Name(), "attempt", res.Attempts, "message", m.ID, "err", err)
			return res
		case res.Attempts >= r.Attempts:
			log.Warn("cannot deliver; giving up", "destination", d.Name(), "attempts", res.Attempts, "message", m.ID, "err", err)
			return res
		case errors.As(err, &ra) && ra.After > MaxRetryAfter:
			res.Err = fmt.Errorf("%w (asked to retry after %s, more than the %s imscope waits)", err, ra.After, MaxRetryAfter)
			log.Warn("cannot deliver; giving up", "destination", d.Name(), "attempts", res.Attempts, "message", m.ID, "err", res.Err)
			return res
		case errors.As(err, &ra):
			wait = max(wait, ra.After)
		}
		log.Info("delivery failed; will retry", "destination", d.Name(), "attempt", res.Attempts, "in", wait, "message", m.ID, "err", err)
		select {
		case <-ctx.Done():
			if shutDown(ctx) {
				return interrupted(ctx, res, err, d, m, log)
			}
			res.Err = fmt.Errorf("%w (stopped retrying: %w)", err, ctx.Err())
			return res
		case <-time.After(wait):
		}
	}
}

// shutDown reports whether ctx was cancelled, as a shutdown cancels it; a
// deadline that passed is not one (that delivery has failed).
func shutDown(ctx context.Context) bool { return errors.Is(ctx.Err(), context.Canceled) }

// interrupted ends a delivery that a shutdown stopped: it is not a failure,
// and whoever asked for it sends it again after the restart.
func interrupted(ctx context.Context, res Result, err error, d Destination, m *Message, log *slog.Logger) Result {
	res.Interrupted = true
	res.Err = fmt.Errorf("%w (stopped by shutdown: %w)", err, ctx.Err())
	log.Info("delivery stopped by shutdown; it resumes after restart", "destination", d.Name(), "attempts", res.Attempts, "message", m.ID, "err", err)
	return res
}

func attempt(ctx context.Context, d Destination, m *Message, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return d.Send(ctx, m)
}
