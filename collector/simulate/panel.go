package simulate

import (
	"math"
	"math/bits"
	"time"

	"github.com/imscope/imscope"
)

// The panel: a fixed-seed population of users who each keep one primary
// network and sometimes others beside it, evolving period by period.
//
//   - A new user's segment is drawn by segment weight, their primary
//     network with probability ∝ share × segment affinity (so office
//     workers over-pick MSN, mobile users Fetion), and each other network
//     kept with the segment's secondary-use chance.
//   - Each period a user leaves with the segment's leave rate; otherwise,
//     if their primary has weight w (share × affinity, normalised) in their
//     segment, they switch with chance switching × (1 − w), raised when that
//     network's share is falling, to a network drawn ∝ w, three times
//     likelier if they already use it; half keep the old one as a
//     secondary. The (1 − w) makes the market shares the steady state:
//     leaders lose few users, small networks churn. Each secondary is
//     re-decided with chance 15% a quarter, at a chance that scales with the
//     network's current share (network effects).
//   - Entrants top the panel up to its target, which grows ~1% a quarter.
//
// Records: the primary has the most active days, every secondary strictly
// fewer, so "primary = most active days" recovers the model's primary.

// panelUser is one user's state; 24 bytes, so a large panel stays small.
type panelUser struct {
	key     uint64
	engage  float32 // fraction of the period's days active on the primary
	chatty  float32 // messages per active day before network factors
	seg     uint8
	primary uint8
	others  uint8 // bit n set: uses network n besides the primary
}

// Panel constants; per-quarter rates are scaled for monthly periods in
// newPanelSim.
const (
	churnQuarter       = 0.15   // chance a secondary is re-decided
	keepOldPrimary     = 0.5    // chance a switcher keeps the old primary as a secondary
	secondaryBonus     = 3.0    // weight on switching to a network already used
	declineSensitivity = 10.0   // switching × (1 + 10 × relative share loss this period)
	panelGrowthMonth   = 0.0033 // the panel's target size grows ~1% a quarter
)

// panelSim is the panel's state while History runs.
type panelSim struct {
	m      *model
	r      *rng
	users  []panelUser
	serial uint64 // users created so far: the source of user keys
	// per-period rate factors for the granularity
	rateSwitch, rateLeave, rateChurn float64
	segW                             []float64
	ref                              [nNet]float64 // shares at shareRef
}

var tagPanel = tag("panel")

// panelPeriods returns the starts of the whole periods inside [start, end).
func panelPeriods(g imscope.Granularity, start, end time.Time) []time.Time {
	var out []time.Time
	p := g.Start(start)
	if p.Before(start) {
		p = g.Next(p)
	}
	for ; !g.Next(p).After(end); p = g.Next(p) {
		out = append(out, p)
	}
	return out
}

func (m *model) newPanelSim() *panelSim {
	ps := &panelSim{m: m, r: newRNG(m.seed, tagPanel), rateSwitch: 1, rateLeave: 1, rateChurn: 1, ref: shares(shareRef)}
	if m.panelGran == imscope.Month {
		ps.rateSwitch, ps.rateLeave, ps.rateChurn = 0.5, 0.4, 0.4
	}
	for _, p := range m.segs {
		ps.segW = append(ps.segW, p.weight)
	}
	return ps
}

// panelHistory simulates and emits every panel period.
func (m *model) panelHistory(e *emitter) error {
	periods := panelPeriods(m.panelGran, m.start, m.end)
	if len(periods) == 0 {
		return nil
	}
	ps := m.newPanelSim()
	ps.users = make([]panelUser, 0, m.panelUsers+m.panelUsers/10)
	for i, p := range periods {
		sh := shares(p.Add(m.panelGran.Next(p).Sub(p) / 2))
		if i == 0 {
			for range m.panelUsers {
				ps.users = append(ps.users, ps.newUser(&sh))
			}
		} else {
			prev := shares(periods[i-1].Add(p.Sub(periods[i-1]) / 2))
			ps.step(&prev, &sh)
			target := int(math.Round(float64(m.panelUsers) * math.Pow(1+panelGrowthMonth, monthsSince(periods[0], p))))
			for len(ps.users) < target {
				ps.users = append(ps.users, ps.newUser(&sh))
			}
		}
		if err := ps.emit(e, p); err != nil {
			return err
		}
	}
	return nil
}

// primaryWeights fills w with the chance of each network becoming a user's
// primary: share × segment affinity, normalised to sum to 1.
func (ps *panelSim) primaryWeights(w *[nNet]float64, sh *[nNet]float64, seg int) {
	var sum float64
	for n := range nNet {
		w[n] = sh[n] * ps.m.segs[seg].affinity[n]
		sum += w[n]
	}
	for n := range nNet {
		w[n] /= sum
	}
}

// secondaryChance is the chance that a user of segment seg keeps network n
// beside their primary, given the current shares.
func (ps *panelSim) secondaryChance(sh *[nNet]float64, seg, n int) float64 {
	return math.Min(0.95, ps.m.segs[seg].secondary[n]*sh[n]/ps.ref[n])
}

func (ps *panelSim) newUser(sh *[nNet]float64) panelUser {
	r := ps.r
	ps.serial++
	u := panelUser{
		key:    hash(ps.m.seed, tagPanel, tag("user"), ps.serial),
		engage: float32(0.3 + 0.7*math.Pow(r.float(), 0.6)),
		chatty: float32(math.Exp(math.Log(20) + 0.8*r.norm())),
	}
	u.seg = uint8(max(0, r.pick(ps.segW)))
	var w [nNet]float64
	ps.primaryWeights(&w, sh, int(u.seg))
	u.primary = uint8(r.pick(w[:]))
	for n := range nNet {
		if n != int(u.primary) && r.chance(ps.secondaryChance(sh, int(u.seg), n)) {
			u.others |= 1 << n
		}
	}
	return u
}

// step moves every user from one period to the next; prev and cur are the
// market shares of the two periods.
func (ps *panelSim) step(prev, cur *[nNet]float64) {
	r := ps.r
	kept := ps.users[:0]
	var w [nNet]float64
	for _, u := range ps.users {
		p := &ps.m.segs[u.seg]
		if r.chance(p.leaving * ps.rateLeave) {
			continue
		}
		// Out-rate ∝ (1 − w) with destinations ∝ w makes the segment's
		// target shares w the chain's steady state (detailed balance):
		// leaders lose few users, small networks churn.
		ps.primaryWeights(&w, cur, int(u.seg))
		out := 1 - w[u.primary]
		decline := math.Max(0, (prev[u.primary]-cur[u.primary])/prev[u.primary])
		if r.chance(p.switching * ps.rateSwitch * out * (1 + declineSensitivity*decline)) {
			for n := range nNet {
				if u.others&(1<<n) != 0 {
					w[n] *= secondaryBonus
				}
			}
			old := u.primary
			w[old] = 0
			if to := r.pick(w[:]); to >= 0 {
				u.primary = uint8(to)
				u.others &^= 1 << to
				if r.chance(keepOldPrimary) {
					u.others |= 1 << old
				}
			}
		}
		for n := range nNet {
			if n == int(u.primary) || !r.chance(churnQuarter*ps.rateChurn) {
				continue
			}
			if r.chance(ps.secondaryChance(cur, int(u.seg), n)) {
				u.others |= 1 << n
			} else {
				u.others &^= 1 << n
			}
		}
		kept = append(kept, u)
	}
	ps.users = kept
}

// emit writes every user's records for the period starting at p.
func (ps *panelSim) emit(e *emitter, p time.Time) error {
	r := ps.r
	days := int(ps.m.panelGran.Next(p).Sub(p).Hours() / 24)
	for i := range ps.users {
		u := &ps.users[i]
		seg := ps.m.segs[u.seg].name
		segMsgs := ps.m.segs[u.seg].msgs
		pd := int(math.Round(float64(days) * float64(u.engage) * jitter(r.next(), 0.1)))
		pd = min(days, max(2, pd))
		rec := imscope.PanelRecord{Period: p, UserKey: u.key, Segment: seg}
		rec.Network = networks[u.primary].id
		rec.ActiveDays = uint16(pd)
		rec.Messages = panelMessages(pd, float64(u.chatty)*segMsgs, int(u.primary), r.next())
		if err := e.panelRecord(rec); err != nil {
			return err
		}
		for o := u.others; o != 0; o &= o - 1 {
			n := bits.TrailingZeros8(o)
			d := int(math.Round(float64(pd) * (0.08 + 0.7*r.float())))
			d = min(pd-1, max(1, d))
			rec.Network = networks[n].id
			rec.ActiveDays = uint16(d)
			rec.Messages = panelMessages(d, 0.6*float64(u.chatty)*segMsgs, n, r.next())
			if err := e.panelRecord(rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// panelMessages is a user's messages on network n over days active days:
// at least one per active day.
func panelMessages(days int, perDay float64, n int, h uint64) uint64 {
	v := float64(days) * perDay * networks[n].msgs / networks[qq].msgs * jitter(h, 0.25)
	return uint64(max(float64(days), math.Round(v)))
}
