package main

import (
	"fmt"
	"path"

	"github.com/imscope/imscope/cmd/internal/yamlconf"
	"github.com/imscope/imscope/collector"
)

// configValidateAliases refuses the aliases that would make a row's network
// depend on something other than what the config says plainly: an alias
// two networks claim (whichever came first would win silently), an alias
// that is another network's id (that network's rows would be renamed — the
// collector never does it, so the alias would be dead and misleading), an
// empty alias, and a glob path.Match cannot compile (it would match
// nothing). Overlapping globs are allowed: the first in config order wins.
func configValidateAliases(ns []NetworkConfig, p *yamlconf.Problems) {
	ids := map[string]int{}
	for i, n := range ns {
		if _, dup := ids[n.ID]; !dup {
			ids[n.ID] = i
		}
	}
	type claim struct{ network, alias int }
	claimed := map[string]claim{}
	for i, n := range ns {
		for j, a := range n.Aliases {
			at := fmt.Sprintf("networks[%d].aliases[%d]", i, j)
			if a == "" {
				p.Errorf(at, "must not be empty")
				continue
			}
			if other, ok := ids[a]; ok && other != i {
				p.Errorf(at, "%q is the id of networks[%d] (%s)%s: an alias cannot rename another network", a, other, ns[other].ID, p.LineNote(fmt.Sprintf("networks[%d].id", other)))
				continue
			}
			if collector.IsAliasGlob(a) {
				if _, err := path.Match(a, ""); err != nil {
					p.Errorf(at, "%q is not a valid glob (%v; globs use *, ? and [...] as in path.Match)", a, err)
					continue
				}
			}
			if first, dup := claimed[a]; dup {
				if first.network == i {
					p.Errorf(at, "%q is listed twice for %s", a, n.ID)
				} else {
					p.Errorf(at, "%q is claimed by both %s and %s (networks[%d].aliases[%d]%s): an alias names one network", a, ns[first.network].ID, n.ID, first.network, first.alias, p.LineNote(fmt.Sprintf("networks[%d].aliases[%d]", first.network, first.alias)))
				}
				continue
			}
			claimed[a] = claim{i, j}
		}
	}
}
