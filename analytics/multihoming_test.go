package analytics

import (
	"testing"

	"github.com/imscope/imscope"
)

// 15 users in five signatures ({msn,qq} arrives in two rows, in two orders,
// as an unsorted groupUniqArray would give it: one signature of 3):
//
//	{qq} 6   {qq,msn} 3   {msn} 1   {qq,msn,fetion} 2   {fetion} 3
//
//	networks per user: 1 → 6+1+3 = 10, 2 → 3, 3 → 2; mean (10 + 6 + 6)/15 = 22/15
//	|qq| = 6+3+2 = 11, |msn| = 3+1+2 = 6, |fetion| = 2+3 = 5   (sum 22 = mean × 15)
//	fetion∩msn = 2: ∪ = 5+6−2 = 9,   Jaccard 2/9,  P(msn|fetion) = 2/5, P(fetion|msn) = 2/6
//	fetion∩qq  = 2: ∪ = 5+11−2 = 14, Jaccard 1/7,  P(qq|fetion) = 2/5,  P(fetion|qq) = 2/11
//	msn∩qq     = 5: ∪ = 6+11−5 = 12, Jaccard 5/12, P(qq|msn) = 5/6,     P(msn|qq) = 5/11
var mhFixture = []SignatureCount{
	{[]string{"qq"}, 6}, {[]string{"qq", "msn"}, 2}, {[]string{"msn", "qq"}, 1}, {[]string{"msn"}, 1},
	{[]string{"qq", "msn", "fetion"}, 2}, {[]string{"fetion"}, 3},
}

func TestMultiHomingGolden(t *testing.T) {
	mh, err := MultiHomingFromSignatures(imscope.Filter{}, mhFixture)
	if err != nil {
		t.Fatal(err)
	}
	if mh.Users != 15 || mh.MultiHomers != 5 {
		t.Fatalf("users %d, multi-homers %d", mh.Users, mh.MultiHomers)
	}
	near(t, "mean", mh.Mean, 22.0/15, 1e-12)
	near(t, "multi-homing share", mh.MultiHomingShare, 100.0/3, 1e-12)
	wantPer := []NetworksPerUser{{1, 10, 1000.0 / 15}, {2, 3, 20}, {3, 2, 200.0 / 15}}
	if len(mh.PerUser) != 3 {
		t.Fatalf("per user %+v", mh.PerUser)
	}
	for i, w := range wantPer {
		if mh.PerUser[i].Networks != w.Networks || mh.PerUser[i].Users != w.Users {
			t.Errorf("per user %d = %+v, want %+v", i, mh.PerUser[i], w)
		}
		near(t, "per-user share", mh.PerUser[i].Share, w.Share, 1e-12)
	}
	wantNet := []NetworkUsers{{"fetion", 5, 3, 100.0 / 3}, {"msn", 6, 1, 40}, {"qq", 11, 6, 1100.0 / 15}}
	for i, w := range wantNet {
		g := mh.Networks[i]
		if g.Network != w.Network || g.Users != w.Users || g.Only != w.Only {
			t.Errorf("network %d = %+v, want %+v", i, g, w)
		}
		near(t, w.Network+" share", g.Share, w.Share, 1e-12)
	}
	want := []Overlap{
		{"fetion", "msn", 2, 9, 2.0 / 9, 2.0 / 5, 2.0 / 6},
		{"fetion", "qq", 2, 14, 1.0 / 7, 2.0 / 5, 2.0 / 11},
		{"msn", "qq", 5, 12, 5.0 / 12, 5.0 / 6, 5.0 / 11},
	}
	if len(mh.Pairs) != len(want) {
		t.Fatalf("pairs %+v", mh.Pairs)
	}
	for i, w := range want {
		g := mh.Pairs[i]
		t.Run(w.A+"-"+w.B, func(t *testing.T) {
			if g.A != w.A || g.B != w.B || g.Both != w.Both || g.Either != w.Either {
				t.Fatalf("got %+v, want %+v", g, w)
			}
			near(t, "Jaccard", g.Jaccard, w.Jaccard, 1e-12)
			near(t, "P(B|A)", g.BGivenA, w.BGivenA, 1e-12)
			near(t, "P(A|B)", g.AGivenB, w.AGivenB, 1e-12)
		})
	}
	sel, err := MultiHomingFromSignatures(imscope.Filter{Networks: []string{"qq", "msn"}}, mhFixture)
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Pairs) != 1 || sel.Pairs[0].A != "msn" || sel.Pairs[0].B != "qq" || sel.Mean != mh.Mean {
		t.Errorf("selected pairs %+v, mean %v", sel.Pairs, sel.Mean)
	}
}

func TestSignaturesInvalid(t *testing.T) {
	cases := []struct {
		name string
		rows []SignatureCount
	}{
		{"empty set", []SignatureCount{{nil, 1}}},
		{"repeated network", []SignatureCount{{[]string{"qq", "qq"}, 1}}},
		{"empty id", []SignatureCount{{[]string{""}, 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MultiHomingFromSignatures(imscope.Filter{}, tc.rows)
			wantInvalid(t, err, "signature")
			_, err = Reachability(tc.rows, nil)
			wantInvalid(t, err, "signature")
		})
	}
}
