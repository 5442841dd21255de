package ejabberd

import (
	"fmt"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// sums adds up the hosts of each network, per metric, over one run: hosts
// are disjoint (an account and a session belong to one host), so a
// network's sessions and accounts are its hosts' sums.
type sums struct {
	order []sumKey
	byKey map[sumKey]*sum
}

type sumKey struct{ network, metric string }

type sum struct {
	value            float64
	answered, failed []string // hosts
}

func (s *sums) get(network, metric string) *sum {
	if s.byKey == nil {
		s.byKey = map[sumKey]*sum{}
	}
	k := sumKey{network, metric}
	if v, ok := s.byKey[k]; ok {
		return v
	}
	v := &sum{}
	s.byKey[k] = v
	s.order = append(s.order, k)
	return v
}

// add counts host's answer v into its network's metric.
func (s *sums) add(network, metric, host string, v float64) {
	e := s.get(network, metric)
	e.value += v
	e.answered = append(e.answered, host)
}

// fail notes that host did not answer for its network's metric.
func (s *sums) fail(network, metric, host string) {
	e := s.get(network, metric)
	e.failed = append(e.failed, host)
}

// rows returns one sample per network and metric whose every host
// answered, all at one time. A network some of whose hosts did not answer
// gets no row — the others' sum would read as users leaving — and a
// problem saying so; one none of whose hosts answered is in the run's
// error already.
func (s *sums) rows(at time.Time, source, where string, problems []collector.Problem) ([]imscope.Sample, []collector.Problem) {
	var out []imscope.Sample
	for _, k := range s.order {
		e := s.byKey[k]
		if len(e.failed) == 0 {
			out = append(out, imscope.Sample{TS: at, Source: source, Network: k.network, Metric: k.metric, Value: e.value})
			continue
		}
		if len(e.answered) > 0 {
			problems = append(problems, collector.Problem{Where: where, Message: fmt.Sprintf(
				"%s of network %s not recorded this run: host %s answered but %s did not", k.metric, k.network,
				strings.Join(e.answered, ", "), strings.Join(e.failed, ", "))})
		}
	}
	return out, problems
}
