package analytics

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// Eight users in five signatures; 8·7/2 = 28 unordered pairs:
//
//	S1 {qq} 3   S2 {msn} 2   S3 {fetion} 1   S4 {qq,msn} 1   S5 {skype} 1
//
// Without bridges, pairs sharing a network:
//
//	within signatures: S1 3·2/2 = 3, S2 2·1/2 = 1        → 4
//	S1–S4 (qq) 3·1 = 3, S2–S4 (msn) 2·1 = 2               → 5
//	9 of 28 = 32.142857%
var reachFixture = []SignatureCount{
	{[]string{"qq"}, 3}, {[]string{"msn"}, 2}, {[]string{"fetion"}, 1}, {[]string{"qq", "msn"}, 1}, {[]string{"skype"}, 1},
}

func TestReachabilityGolden(t *testing.T) {
	cases := []struct {
		name      string
		links     []Link
		reachable uint64
	}{
		{"no bridges", nil, 9},
		// Two bridges, msn–skype and fetion–qq. One-hop reach sets:
		// R(S1) = {qq,fetion}, R(S2) = {msn,skype}, R(S3) = {fetion,qq},
		// R(S4) = {qq,msn,fetion,skype}, R(S5) = {skype,msn}. Pairs now:
		//   within 4; S1–S3 3·1 = 3 (new); S1–S4 3; S2–S4 2; S2–S5 2·1 = 2 (new);
		//   S3–S4 1 (new: fetion–qq); S4–S5 1 (new: msn–skype)
		//   S1–S2, S1–S5, S2–S3, S3–S5 still cannot talk
		// 4 + 3 + 3 + 2 + 2 + 1 + 1 = 16 of 28 = 57.142857%; dividend 7 pairs = 25 points.
		{"two bridges", []Link{{"msn", "skype"}, {"fetion", "qq"}}, 16},
		// Bridges msn–skype and skype–fetion are not transitive: an msn user and
		// a fetion user would need two bridges in a row, so S2–S3 stays apart.
		//   within 4; S1–S4 3; S2–S4 2; S2–S5 2; S3–S5 1; S4–S5 1 → 13 of 28 = 46.428571%
		{"chain is one hop", []Link{{"msn", "skype"}, {"skype", "fetion"}}, 13},
		// What if QQ bridged to everyone: every S1 user reaches all 5 others
		// (3·2 + 3·1 + 3·1 + 3·1 = 15), S2–S4 2, S3–S4 1 (fetion–qq), S4–S5 1;
		// S2–S3, S2–S5, S3–S5 still apart. 4 + 15 + 2 + 1 + 1 = 23 of 28 = 82.142857%.
		{"qq bridged to everyone", StarLinks("qq", []string{"qq", "msn", "fetion", "skype"}), 23},
		// Existing bridges plus the QQ star: S2–S5 (msn–skype) joins: 25 of 28.
		{"existing plus star", UnionLinks([]Link{{"msn", "skype"}, {"fetion", "qq"}}, StarLinks("qq", []string{"msn", "fetion", "skype"})), 25},
		{"everyone with everyone", CompleteLinks([]string{"qq", "msn", "fetion", "skype"}), 28},
		{"a bridge to a network nobody uses", []Link{{"qq", "yahoo"}}, 9},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Reachability(reachFixture, tc.links)
			if err != nil {
				t.Fatal(err)
			}
			if r.Users != 8 || r.Pairs != 28 || r.Reachable != tc.reachable {
				t.Fatalf("got %+v, want %d of 28 pairs", r, tc.reachable)
			}
			near(t, "share", r.Share, float64(tc.reachable)/28*100, 1e-9)
		})
	}
	d, err := InterconnectionDividend(reachFixture, []Link{{"msn", "skype"}, {"fetion", "qq"}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Without.Reachable != 9 || d.With.Reachable != 16 || d.Pairs != 7 {
		t.Errorf("dividend %+v", d)
	}
	near(t, "dividend", d.Points, 25, 1e-9)
}

func TestReachabilityInvalid(t *testing.T) {
	_, err := Reachability([]SignatureCount{{[]string{"qq"}, 1}}, nil)
	wantInvalid(t, err, "signatures")
	_, err = Reachability(reachFixture, []Link{{"qq", "qq"}})
	wantInvalid(t, err, "links")
	_, err = Reachability(reachFixture, []Link{{"qq", ""}})
	wantInvalid(t, err, "links")
	_, err = Reachability([]SignatureCount{{[]string{"qq"}, 1 << 33}}, nil)
	wantInvalid(t, err, "signatures")
}

// bruteReach counts reachable pairs user by user, straight from the
// definition, for cross-checking the signature algorithm.
func bruteReach(rows []SignatureCount, links []Link) uint64 {
	var users [][]string
	for _, r := range rows {
		for range r.Users {
			users = append(users, r.Networks)
		}
	}
	linked := map[Link]bool{}
	for _, l := range links {
		linked[l], linked[Link{l.B, l.A}] = true, true
	}
	var n uint64
	for u := range users {
		for v := u + 1; v < len(users); v++ {
		pair:
			for _, a := range users[u] {
				for _, b := range users[v] {
					if a == b || linked[Link{a, b}] {
						n++
						break pair
					}
				}
			}
		}
	}
	return n
}

// Property: adding bridges never lowers reachability (and a superset of
// bridges reaches at least as far as a subset); the signature algorithm
// agrees with counting user pairs one by one, in the one-word (≤ 64
// networks) and multi-word paths.
func TestReachabilityProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for iter := range 300 {
		n := 2 + rng.IntN(10)
		if iter%10 == 0 {
			n = 65 + rng.IntN(10) // multi-word bitsets
		}
		nets := make([]string, n)
		for i := range nets {
			nets[i] = fmt.Sprintf("n%02d", i)
		}
		var rows []SignatureCount
		for range 1 + rng.IntN(12) {
			k := 1 + rng.IntN(min(3, n))
			perm := rng.Perm(n)[:k]
			set := make([]string, k)
			for i, p := range perm {
				set[i] = nets[p]
			}
			rows = append(rows, SignatureCount{set, uint64(rng.IntN(6))})
		}
		var links []Link
		for range rng.IntN(2 * n) {
			a, b := rng.IntN(n), rng.IntN(n)
			if a != b {
				links = append(links, Link{nets[a], nets[b]})
			}
		}
		sub := links[:len(links)/2]
		var total uint64
		for _, r := range rows {
			total += r.Users
		}
		if total < 2 {
			continue
		}
		none, err1 := Reachability(rows, nil)
		half, err2 := Reachability(rows, sub)
		all, err3 := Reachability(rows, links)
		if err := cmpErr(err1, err2, err3); err != nil {
			t.Fatal(err)
		}
		if !(none.Reachable <= half.Reachable && half.Reachable <= all.Reachable) || all.Share < none.Share {
			t.Fatalf("iteration %d: none %d, half %d, all %d", iter, none.Reachable, half.Reachable, all.Reachable)
		}
		if want := bruteReach(rows, links); all.Reachable != want {
			t.Fatalf("iteration %d: %d reachable pairs, by brute force %d", iter, all.Reachable, want)
		}
		if want := bruteReach(rows, nil); none.Reachable != want {
			t.Fatalf("iteration %d: %d reachable pairs without links, by brute force %d", iter, none.Reachable, want)
		}
	}
}

func cmpErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func TestLinkHelpers(t *testing.T) {
	if got := StarLinks("qq", []string{"qq", "msn", "fetion"}); !slices.Equal(got, []Link{{"qq", "msn"}, {"qq", "fetion"}}) {
		t.Errorf("star %v", got)
	}
	if got := CompleteLinks([]string{"c", "a", "b", "a"}); !slices.Equal(got, []Link{{"a", "b"}, {"a", "c"}, {"b", "c"}}) {
		t.Errorf("complete %v", got)
	}
	if got := UnionLinks([]Link{{"b", "a"}}, []Link{{"a", "b"}, {"c", "a"}}); !slices.Equal(got, []Link{{"a", "b"}, {"a", "c"}}) {
		t.Errorf("union %v", got)
	}
}

// BenchmarkReachability: 2,000 distinct signatures over 12 networks
// (10 million users) with 6 bridges — the size the 10M-user panel yields.
func BenchmarkReachability(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	nets := []string{"qq", "wangwang", "fetion", "msn", "skype", "sinauc", "popo", "yahoo", "wechat", "line", "kakao", "signal"}
	masks := rng.Perm(1<<len(nets) - 1)[:2000]
	var rows []SignatureCount
	var users uint64
	for _, m := range masks {
		m++ // 1..4095: never the empty set
		var set []string
		for i, n := range nets {
			if m&(1<<i) != 0 {
				set = append(set, n)
			}
		}
		c := uint64(1 + rng.IntN(10_000))
		users += c
		rows = append(rows, SignatureCount{set, c})
	}
	links := []Link{{"qq", "msn"}, {"msn", "skype"}, {"fetion", "qq"}, {"wechat", "signal"}, {"line", "kakao"}, {"popo", "yahoo"}}
	b.Logf("%d signatures, %d users", len(rows), users)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Reachability(rows, links); err != nil {
			b.Fatal(err)
		}
	}
}
