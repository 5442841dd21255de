package imscope_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCodeLayout holds README.md's "Code layout" table to the code: every
// package of the module has a row, every row names packages that exist, no
// package imports a package of the module its row does not allow (the
// direction of data: nothing imports one above it), and test support is
// imported by _test.go files only. The imports are go list's, so the table
// cannot drift from what the compiler sees.
func TestCodeLayout(t *testing.T) {
	rows := layoutRows(t)
	pkgs := modulePackages(t)
	byFolder := map[string]*layoutRow{}
	for _, r := range rows {
		for _, f := range r.folders {
			if byFolder[f] != nil {
				t.Errorf("README: %s has two rows", f)
			}
			byFolder[f] = r
		}
	}
	for f := range byFolder {
		if _, ok := pkgs[f]; !ok {
			t.Errorf("README: the row of %s names no package of the module", f)
		}
	}
	for _, folder := range slices.Sorted(maps.Keys(pkgs)) {
		r := byFolder[folder]
		if r == nil {
			t.Errorf("README: package %s is not in the Code layout table", folder)
			continue
		}
		for _, imp := range pkgs[folder] {
			if !r.anything && !slices.Contains(r.mayImport, imp) {
				t.Errorf("%s imports %s, which its row in README's Code layout table does not allow (%s)", folder, imp, strings.Join(r.mayImport, ", "))
			}
			if by := byFolder[imp]; by != nil && by.testSupport && !r.testSupport {
				t.Errorf("%s imports %s, which is test support: only _test.go files may", folder, imp)
			}
		}
	}
}

// layoutRow is one row of the table.
type layoutRow struct {
	folders     []string
	mayImport   []string
	anything    bool // "anything"
	testSupport bool // "test support: …"
}

var inBackticks = regexp.MustCompile("`([^`]+)`")

// layoutRows reads the first table under README.md's "## Code layout".
func layoutRows(t *testing.T) []*layoutRow {
	t.Helper()
	f, err := os.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []*layoutRow
	section, table := false, false
	for s := bufio.NewScanner(f); s.Scan(); {
		line := s.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			section = line == "## Code layout"
			continue
		case !section:
			continue
		case strings.HasPrefix(line, "|"):
			table = true
		case table:
			return rows // the table has ended
		default:
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("README: a Code layout row has %d cells, want 3: %s", len(cells), line)
		}
		folder, what, may := strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])
		if folder == "folder" || strings.Trim(folder, "-") == "" {
			continue // the header and its rule
		}
		r := &layoutRow{anything: may == "anything", testSupport: strings.HasPrefix(what, "test support:")}
		for _, m := range inBackticks.FindAllStringSubmatch(folder, -1) {
			r.folders = append(r.folders, m[1])
		}
		for _, m := range inBackticks.FindAllStringSubmatch(may, -1) {
			r.mayImport = append(r.mayImport, m[1])
		}
		if len(r.folders) == 0 || (!r.anything && len(r.mayImport) == 0 && may != "nothing of imscope") {
			t.Fatalf("README: a Code layout row says neither which folders nor what they may import: %s", line)
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		t.Fatal(`README: no table under "## Code layout"`)
	}
	return rows
}

// modulePackages lists the module's packages by folder ("." for the root)
// with the module's packages each imports outside its tests.
func modulePackages(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p struct {
			ImportPath string
			Imports    []string
			Module     struct{ Path string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		folder := relFolder(p.Module.Path, p.ImportPath)
		var own []string
		for _, imp := range p.Imports {
			if imp == p.Module.Path || strings.HasPrefix(imp, p.Module.Path+"/") {
				own = append(own, relFolder(p.Module.Path, imp))
			}
		}
		pkgs[folder] = own
	}
	return pkgs
}

func relFolder(module, importPath string) string {
	if importPath == module {
		return "."
	}
	return strings.TrimPrefix(importPath, module+"/")
}
