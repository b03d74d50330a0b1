package workflow_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// module is the import path every package of the product starts with.
const module = "zerovisit"

// layerRule says what the non-test files of the packages under a folder
// must not import: deny lists folders of the module, stdOnly allows the
// standard library alone besides allow, and denyStd names standard
// packages that are still too much (the domain speaks no HTTP or SQL).
type layerRule struct {
	under   string
	deny    []string
	stdOnly bool
	allow   []string
	denyStd []string
}

// layerRules are the arrows of docs/architecture.md:
// cmd → handlers → workflow ← models, integrations.
var layerRules = []layerRule{
	{under: "workflow", stdOnly: true, allow: []string{"workflow"}, denyStd: []string{"net/http", "database/sql"}},
	{under: "handlers", deny: []string{"models", "integrations", "configs", "cmd"}},
	{under: "models", deny: []string{"integrations", "handlers", "configs", "cmd"}},
	{under: "integrations", deny: []string{"models", "handlers", "configs", "cmd"}},
	{under: "configs", deny: []string{"models", "integrations", "handlers", "cmd"}},
	{under: "web", deny: []string{"models", "integrations", "handlers", "configs", "cmd", "workflow"}},
}

// TestLayers parses the imports of every non-test Go file of the module and
// holds them against layerRules.
func TestLayers(t *testing.T) {
	imports := moduleImports(t, "..")
	for _, file := range slices.Sorted(maps.Keys(imports)) {
		for _, rule := range layerRules {
			if !within(file, rule.under) {
				continue
			}
			for _, imp := range imports[file] {
				if msg := rule.breach(imp); msg != "" {
					t.Errorf("%s imports %q: %s", file, imp, msg)
				}
			}
		}
	}
}

// breach says why imp is not allowed under the rule, or "" when it is.
func (r layerRule) breach(imp string) string {
	local, inModule := strings.CutPrefix(imp, module+"/")
	if !inModule {
		switch {
		case r.stdOnly && !isStd(imp):
			return r.under + " uses the standard library only"
		case slices.ContainsFunc(r.denyStd, func(d string) bool { return within(imp, d) }):
			return r.under + " must not speak " + imp
		}
		return ""
	}
	for _, a := range r.allow {
		if within(local, a) {
			return ""
		}
	}
	if r.stdOnly {
		return r.under + " imports the standard library and " + strings.Join(r.allow, ", ") + " only"
	}
	for _, d := range r.deny {
		if within(local, d) {
			return r.under + " must not depend on " + d
		}
	}
	return ""
}

// TestLayerRulesCatchBreaches makes sure the rules fail on the imports they
// exist to stop.
func TestLayerRulesCatchBreaches(t *testing.T) {
	for _, tc := range []struct {
		under, imp string
		bad        bool
	}{
		{"workflow", "strings", false},
		{"workflow", "net/http", true},
		{"workflow", "database/sql/driver", true},
		{"workflow", "github.com/gin-gonic/gin", true},
		{"workflow", "zerovisit/models", true},
		{"workflow", "zerovisit/workflow/ident", false},
		{"handlers", "zerovisit/models/kv", true},
		{"handlers", "zerovisit/integrations/wechat", true},
		{"handlers", "zerovisit/workflow/desk", false},
		{"models", "zerovisit/integrations/courier/sf", true},
		{"integrations", "zerovisit/models", true},
		{"integrations", "zerovisit/workflow/parcel", false},
		{"configs", "zerovisit/workflow", false},
	} {
		var rule layerRule
		for _, r := range layerRules {
			if r.under == tc.under {
				rule = r
			}
		}
		if got := rule.breach(tc.imp) != ""; got != tc.bad {
			t.Errorf("%s importing %s: breach = %v, want %v", tc.under, tc.imp, got, tc.bad)
		}
	}
}

// within reports whether the slash path p is folder or inside it.
func within(p, folder string) bool { return p == folder || strings.HasPrefix(p, folder+"/") }

// isStd reports whether an import path is the standard library's: its
// first element has no dot.
func isStd(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".") && first != module
}

// moduleImports returns the imports of every non-test Go file below root,
// keyed by the file's slash path from root.
func moduleImports(tb testing.TB, root string) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		key := path.Clean(filepath.ToSlash(rel))
		for _, imp := range f.Imports {
			s, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			out[key] = append(out[key], s)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) < 100 {
		tb.Fatalf("read %d Go files below %s: not the module", len(out), root)
	}
	return out
}
