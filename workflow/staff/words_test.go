package staff

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"zerovisit/workflow"
)

// constsOf returns the string constants of the named type declared in the
// Go files of dir (tests excluded).
func constsOf(t *testing.T, dir, typ string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		if ok, _ := filepath.Match("*_test.go", filepath.Base(f)); ok {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok || spec.Type == nil {
				return true
			}
			if id, ok := spec.Type.(*ast.Ident); !ok || id.Name != typ {
				return true
			}
			for _, v := range spec.Values {
				if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					out = append(out, s)
				}
			}
			return true
		})
	}
	return out
}

// TestEveryEventHasALabel: every event the workflow declares and every
// staff action has a Chinese label, so the timeline never shows a code.
func TestEveryEventHasALabel(t *testing.T) {
	events := constsOf(t, "..", "EventName")
	actions := constsOf(t, ".", "Action")
	if len(events) < 20 || len(actions) < 4 {
		t.Fatalf("found %d events and %d actions: the declarations moved?", len(events), len(actions))
	}
	for _, name := range append(events, actions...) {
		if EventLabel(name) == "" {
			t.Errorf("event or action %q has no Chinese label", name)
		}
	}
}

var uuidLike = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-`)

// TestActorNamesAreWords: actors read as people and systems, never ids.
func TestActorNamesAreWords(t *testing.T) {
	names := map[string]string{"1a45d219-0000-4000-8000-000000000001": "王审批"}
	deps := []workflow.Department{{Code: "scjgj", Name: "市场监督管理局"}}
	for _, tc := range []struct {
		a    workflow.Actor
		want string
	}{
		{workflow.Actor{Kind: workflow.ActorClerk, ID: "1a45d219-0000-4000-8000-000000000001"}, "工作人员 王审批"},
		{workflow.Actor{Kind: workflow.ActorClerk, ID: "2b45d219-0000-4000-8000-000000000002"}, "工作人员"},
		{workflow.Actor{Kind: workflow.ActorSystem, ID: "payment-wechat"}, "系统（微信支付）"},
		{workflow.Actor{Kind: workflow.ActorSystem, ID: "timer"}, "系统（时限检查）"},
		{workflow.Actor{Kind: workflow.ActorSystem, ID: "courier:kuaidi100"}, "系统（快递公司）"},
		{workflow.Actor{Kind: workflow.ActorDepartment, ID: "scjgj"}, "部门系统（市场监督管理局）"},
		{workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-1"}, "申请人"},
		{workflow.Actor{Kind: workflow.ActorCourier, ID: "cr-1a45d219-0000"}, "快递员"},
	} {
		got := ActorName(tc.a, names, deps)
		if got != tc.want || uuidLike.MatchString(got) {
			t.Errorf("ActorName(%v) = %q, want %q", tc.a, got, tc.want)
		}
	}
}
