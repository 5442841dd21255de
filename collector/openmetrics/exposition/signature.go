package exposition

import "hash/maphash"

// The lines of one histogram or summary are found together, as expfmt finds
// them, by a 64-bit signature of their label set: here the sum of a hash of
// each pair, which is independent of the order labels are written in and
// needs no sorting.

var sigSeed = maphash.MakeSeed()

// pairHash hashes one label pair; __name__ pairs go through it too.
func pairHash(name, value string) uint64 {
	var h maphash.Hash
	h.SetSeed(sigSeed)
	_, _ = h.WriteString(name)
	_ = h.WriteByte(0xff) // never in UTF-8 text: "ab"="c" differs from "a"="bc"
	_, _ = h.WriteString(value)
	return h.Sum64()
}

// labelSet is expfmt's text-format map of a histogram's or summary's labels
// (le and quantile aside), which it keeps from one line to the next and only
// starts afresh on some lines: a label set read inside braces may add to the
// one an earlier line left. Names and values live in text.
type labelSet struct {
	started bool // expfmt's map is not nil
	text    []byte
	pairs   []setPair
}

type setPair struct{ name, value [2]int } // offsets into text

func (s *labelSet) reset(family string) {
	s.started = true
	s.text = s.text[:0]
	s.pairs = s.pairs[:0]
	n := s.add([]byte("__name__"))
	start := len(s.text)
	s.text = append(s.text, family...)
	s.pairs = append(s.pairs, setPair{name: n, value: [2]int{start, len(s.text)}})
}

// set puts a pair into the set, replacing the value of a name already in it.
func (s *labelSet) set(name, value []byte) {
	for i, p := range s.pairs {
		if string(s.text[p.name[0]:p.name[1]]) == string(name) {
			s.pairs[i].value = s.add(value)
			return
		}
	}
	s.pairs = append(s.pairs, setPair{name: s.add(name), value: s.add(value)})
}

func (s *labelSet) add(b []byte) [2]int {
	start := len(s.text)
	s.text = append(s.text, b...)
	return [2]int{start, len(s.text)}
}

func (s *labelSet) sig() uint64 {
	var sum uint64
	for _, p := range s.pairs {
		sum += pairHash(str(s.text[p.name[0]:p.name[1]]), str(s.text[p.value[0]:p.value[1]]))
	}
	return sum
}
