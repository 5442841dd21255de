package schedule_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/imscope/imscope/collector/schedule"
)

// waitFor polls cond for up to 10 s.
func waitFor(cond func() bool) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// TestSchedulerGuards: a job that panics runs again on its next turn, and a
// job still running when its turn comes is not started a second time.
func TestSchedulerGuards(t *testing.T) {
	s := schedule.New(nil)
	var panics, slow, running, overlaps atomic.Int32
	panicky := s.Every(time.Second, func() {
		panics.Add(1)
		panic("boom")
	})
	s.Every(time.Second, func() {
		if running.Add(1) > 1 {
			overlaps.Add(1)
		}
		slow.Add(1)
		time.Sleep(2500 * time.Millisecond)
		running.Add(-1)
	})
	if next := s.Next(panicky); !next.IsZero() {
		t.Fatalf("next run %v before Start", next)
	}
	s.Start()
	defer s.Stop()
	if !waitFor(func() bool { return panics.Load() >= 3 }) {
		t.Fatalf("ran %d times in 10 s after panicking; the schedule stopped", panics.Load())
	}
	if s.Next(panicky).IsZero() {
		t.Fatal("no next run")
	}
	if overlaps.Load() != 0 || slow.Load() == 0 {
		t.Fatalf("the slow job ran %d times, %d of them over a run still going", slow.Load(), overlaps.Load())
	}
}

// TestOnce: a job added with Once runs a single time, at Start, and Stop
// waits for it.
func TestOnce(t *testing.T) {
	s := schedule.New(nil)
	var runs atomic.Int32
	id := s.Once(func() {
		time.Sleep(100 * time.Millisecond)
		runs.Add(1)
	})
	s.Start()
	if !waitFor(func() bool { return s.Next(id).IsZero() && runs.Load() > 0 }) {
		t.Fatalf("ran %d times, next %v", runs.Load(), s.Next(id))
	}
	time.Sleep(1500 * time.Millisecond)
	<-s.Stop().Done()
	if n := runs.Load(); n != 1 {
		t.Fatalf("ran %d times, want once", n)
	}
}

// TestAddRunsASchedule: a *Schedule is a Timing the scheduler runs.
func TestAddRunsASchedule(t *testing.T) {
	sc, err := schedule.Parse("* * * * * *") // every second
	if err != nil {
		t.Fatal(err)
	}
	s := schedule.New(nil)
	var runs atomic.Int32
	s.Add(sc, func() { runs.Add(1) })
	s.Start()
	defer s.Stop()
	if !waitFor(func() bool { return runs.Load() >= 2 }) {
		t.Fatalf("ran %d times in 10 s", runs.Load())
	}
}
