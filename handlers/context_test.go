package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHandlersPassRequestContext fails when a handler passes its
// *gin.Context itself to a call outside gin as a context.Context. gin
// reuses Context values once a handler returns, so a database driver or
// client still watching ctx.Done() would then read another request's
// state (a data race). Pass c.Request.Context() instead.
func TestHandlersPassRequestContext(t *testing.T) {
	allowed := map[string]bool{ // helpers of this package that take *gin.Context on purpose
		"fail": true, "writeError": true, "requestID": true, "bindJSON": true, "queryInt": true, "readPage": true, "idempotencyKey": true,
		"subjectOf": true, "signIn": true, "allow": true, "routeOf": true, "key": true, "JSON": true, "Next": true,
		"requireBearer": true,
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			first, ok := call.Args[0].(*ast.Ident)
			if !ok || first.Name != "c" {
				return true
			}
			var fn string
			switch f := call.Fun.(type) {
			case *ast.Ident:
				fn = f.Name
			case *ast.SelectorExpr:
				fn = f.Sel.Name
			}
			if !allowed[fn] && !strings.HasPrefix(fn, "handle") && !strings.HasPrefix(fn, "must") {
				t.Errorf("%s: %s(c, …) passes the gin context on; use c.Request.Context()", fset.Position(call.Pos()), fn)
			}
			return true
		})
	}
}
