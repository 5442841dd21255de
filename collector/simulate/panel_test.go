package simulate

import (
	"context"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// panelStats are the analytics' panel figures for one period, computed as
// DESIGN.md defines them: primary = most active days, then messages, then
// network id.
type panelStats struct {
	period                 time.Time
	users, multi           int
	switchers, stayed      int // stayed: users also in the previous period
	entrants, leavers      int
	primaries              map[string]int
	records, badDays, ties int
	maxDays                int
}

type userPeriod struct {
	primary  string
	days     uint16
	msgs     uint64
	networks int
}

// panelCheck consumes panel records in emission order (period by period,
// each user's records together) and keeps only two periods of users.
type panelCheck struct {
	t         *testing.T
	gran      imscope.Granularity
	prev, cur map[uint64]string // user → primary
	stats     []*panelStats
	key       uint64 // the user being read
	user      userPeriod
}

func (c *panelCheck) add(r imscope.PanelRecord) {
	if len(c.stats) == 0 || !r.Period.Equal(c.stats[len(c.stats)-1].period) {
		c.close()
		c.prev, c.cur = c.cur, make(map[uint64]string, len(c.cur)+len(c.cur)/10)
		c.stats = append(c.stats, &panelStats{period: r.Period, primaries: map[string]int{}})
	} else if r.UserKey != c.key {
		c.endUser()
	}
	st := c.stats[len(c.stats)-1]
	st.records++
	days := int(c.gran.Next(r.Period).Sub(r.Period).Hours() / 24)
	st.maxDays = max(st.maxDays, int(r.ActiveDays))
	if r.ActiveDays < 1 || int(r.ActiveDays) > days || r.Messages < uint64(r.ActiveDays) {
		st.badDays++
	}
	if r.UserKey != c.key || c.user.networks == 0 {
		if _, seen := c.cur[r.UserKey]; seen {
			c.t.Fatalf("user %d's records in %v are not together", r.UserKey, r.Period)
		}
		c.key, c.user = r.UserKey, userPeriod{}
	}
	u := &c.user
	u.networks++
	if u.networks > 1 && r.ActiveDays == u.days {
		st.ties++
	}
	if r.ActiveDays > u.days || (r.ActiveDays == u.days && (r.Messages > u.msgs || (r.Messages == u.msgs && r.Network < u.primary))) {
		u.primary, u.days, u.msgs = r.Network, r.ActiveDays, r.Messages
	}
}

// endUser files the user just read.
func (c *panelCheck) endUser() {
	if c.user.networks == 0 {
		return
	}
	st := c.stats[len(c.stats)-1]
	c.cur[c.key] = c.user.primary
	st.primaries[c.user.primary]++
	if c.user.networks > 1 {
		st.multi++
	}
	c.user = userPeriod{}
}

// close finishes the current period's figures.
func (c *panelCheck) close() {
	if len(c.stats) == 0 {
		return
	}
	c.endUser()
	st := c.stats[len(c.stats)-1]
	st.users = len(c.cur)
	if c.prev == nil {
		return
	}
	for k, primary := range c.cur {
		if p, ok := c.prev[k]; ok {
			st.stayed++
			if p != primary {
				st.switchers++
			}
		} else {
			st.entrants++
		}
	}
	st.leavers = len(c.prev) - st.stayed
}

func runPanel(t *testing.T, cfg Config) []*panelStats {
	t.Helper()
	s, err := New("panel", cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := &panelCheck{t: t, gran: imscope.Granularity(cfg.withDefaults().PanelGranularity)}
	err = s.History(context.Background(), func(_ context.Context, b collector.Batch) error {
		for _, r := range b.Panel {
			c.add(r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c.close()
	if want := len(s.PanelPeriods()); len(c.stats) != want {
		t.Fatalf("records for %d periods, want %d", len(c.stats), want)
	}
	return c.stats
}

func checkPanel(t *testing.T, stats []*panelStats, users int) {
	t.Helper()
	if stats[0].users != users {
		t.Errorf("first period has %d users, want %d", stats[0].users, users)
	}
	for i, st := range stats {
		p := st.period.Format("2006-01")
		if st.badDays > 0 || st.ties > 0 {
			t.Errorf("%s: %d records with active days outside 1..period or fewer messages than days, %d ties with the primary",
				p, st.badDays, st.ties)
		}
		if f := float64(st.multi) / float64(st.users); f < 0.2 || f > 0.6 {
			t.Errorf("%s: %.1f%% multi-homers, want 20–60%%", p, 100*f)
		}
		if qq := float64(st.primaries["qq"]) / float64(st.users); qq < 0.65 || qq > 0.85 {
			t.Errorf("%s: QQ is primary for %.1f%%, want about three quarters", p, 100*qq)
		}
		if i == 0 {
			continue
		}
		if f := float64(st.switchers) / float64(st.stayed); f < 0.01 || f > 0.10 {
			t.Errorf("%s: %.2f%% of staying users switched primary, want 1–10%%", p, 100*f)
		}
		if st.entrants == 0 || st.leavers == 0 {
			t.Errorf("%s: %d entrants, %d leavers; want both", p, st.entrants, st.leavers)
		}
		if st.users < stats[i-1].users {
			t.Errorf("%s: panel shrank from %d to %d", p, stats[i-1].users, st.users)
		}
	}
}

// TestPanelDefaultSize runs the default 200,000-user quarterly panel.
func TestPanelDefaultSize(t *testing.T) {
	stats := runPanel(t, DefaultConfig())
	if len(stats) != 12 {
		t.Fatalf("%d periods, want 12 quarters", len(stats))
	}
	checkPanel(t, stats, DefaultPanelUsers)
	first, last := stats[0], stats[len(stats)-1]
	share := func(st *panelStats, n string) float64 { return float64(st.primaries[n]) / float64(st.users) }
	if share(last, "msn") >= share(first, "msn") {
		t.Errorf("MSN's primary users went from %.2f%% to %.2f%%, want a decline", 100*share(first, "msn"), 100*share(last, "msn"))
	}
	if share(last, "qq") <= share(first, "qq") {
		t.Errorf("QQ's primary users went from %.2f%% to %.2f%%, want a gain", 100*share(first, "qq"), 100*share(last, "qq"))
	}
	for _, st := range stats {
		t.Logf("%s users=%d multi=%.1f%% switched=%.2f%% entrants=%d leavers=%d records=%d",
			st.period.Format("2006-01"), st.users, 100*float64(st.multi)/float64(st.users),
			100*float64(st.switchers)/float64(max(1, st.stayed)), st.entrants, st.leavers, st.records)
	}
}

func TestPanelMonthly(t *testing.T) {
	cfg := smallConfig(5)
	cfg.PanelGranularity = "month"
	cfg.Months = 12
	cfg.PanelUsers = 10_000
	stats := runPanel(t, cfg)
	if len(stats) != 12 {
		t.Fatalf("%d periods, want 12 months", len(stats))
	}
	checkPanel(t, stats, 10_000)
	for _, st := range stats {
		if st.maxDays > 31 {
			t.Errorf("%s: %d active days in a month", st.period.Format("2006-01"), st.maxDays)
		}
	}
}
