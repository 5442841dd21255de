package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Aliases decode into the catalog the collectors get, in config order.
func TestConfigAliases(t *testing.T) {
	c, err := loadConfig(cfgTestDir+"/aliases.yaml", cfgTestEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	cat := c.NetworkCatalog()
	if got, want := cat[0].Aliases, []string{"QQ", "xmpp.qq.example", "*.qq.example"}; !slices.Equal(got, want) {
		t.Errorf("qq aliases = %q, want %q", got, want)
	}
	if got, want := cat[1].Aliases, []string{"*.example"}; !slices.Equal(got, want) {
		t.Errorf("msn aliases = %q, want %q (overlapping globs are allowed)", got, want)
	}
}

func TestConfigAliasErrors(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"one alias claimed by two networks", "aliases-claimed.yaml",
			`testdata/config/aliases-claimed.yaml:8: networks[1].aliases[0]: "xmpp.qq.example" is claimed by both qq and msn (networks[0].aliases[1] (line 4)): an alias names one network`},
		{"a glob that does not compile", "aliases-bad-glob.yaml",
			`testdata/config/aliases-bad-glob.yaml:5: networks[0].aliases[0]: "xmpp[.qq.example" is not a valid glob (syntax error in pattern; globs use *, ? and [...] as in path.Match)`},
		{"an alias that is another network's id", "aliases-other-id.yaml",
			`testdata/config/aliases-other-id.yaml:7: networks[1].aliases[0]: "qq" is the id of networks[0] (qq) (line 2): an alias cannot rename another network`},
		{"an empty alias", "aliases-empty.yaml",
			`testdata/config/aliases-empty.yaml:5: networks[0].aliases[0]: must not be empty`},
		{"one alias twice for one network", "aliases-twice.yaml",
			`testdata/config/aliases-twice.yaml:6: networks[0].aliases[1]: "QQ" is listed twice for qq`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(cfgTestDir+"/"+tc.file, cfgTestEnv(nil))
			if err == nil {
				t.Fatalf("loaded %+v, want the error %s", c.Networks, tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestImportWithAliases: the config's aliases reach the binary's writer: an
// import of a vendor's spelling and a virtual host lands under the catalog
// id, and only the label no alias claims is warned about and kept as is.
func TestImportWithAliases(t *testing.T) {
	const db = "import_aliases"
	dir := t.TempDir()
	cfg := filepath.Join(dir, "imscope.yaml")
	writeFile(t, cfg, "networks:\n  - {id: qq, name: {en: Tencent QQ}, aliases: [QQ, \"*.qq.example\"]}\n  - {id: msn, name: {en: MSN}}\n")
	data := filepath.Join(dir, "usage.csv")
	writeFile(t, data, "ts,network,metric,value\n2011-03-01T00:00:00Z,QQ,messages,5\n2011-03-02T00:00:00Z,xmpp.qq.example,messages,7\n2011-03-01T00:00:00Z,icq,messages,1\n")
	out, err := importFile(t, db, "usage", data, nil, "--config", cfg)
	if err != nil || !strings.Contains(out, "import: ok, 3 rows read: 3 new") || strings.Count(out, "is not in the catalog") != 1 || !strings.Contains(out, `network "icq"`) {
		t.Fatalf("import: %v\n%s\nwant ok, 3 new, one warning, about icq", err, out)
	}
	if n := countRows(t, db, "SELECT count() FROM usage_samples WHERE network = 'qq'"); n != 2 {
		t.Errorf("%d rows under qq, want 2 (QQ and xmpp.qq.example)", n)
	}
	if n := countRows(t, db, "SELECT count() FROM usage_samples WHERE network IN ('QQ', 'xmpp.qq.example')"); n != 0 {
		t.Errorf("%d rows under the aliases themselves, want 0", n)
	}
}
