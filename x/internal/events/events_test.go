package events_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/internal/events"
)

const importPath = "github.com/novacron/novacron/x/internal/events"

func TestNewIsSDKEvent(t *testing.T) {
	require.Equal(t, sdk.NewEvent("t"), events.New("t"))
	require.Equal(t,
		sdk.NewEvent("vm_created", sdk.NewAttribute("vm_id", "7"), sdk.NewAttribute("owner", "nova1x"), sdk.NewAttribute("name", "")),
		events.New("vm_created", "vm_id", "7", "owner", "nova1x", "name", ""))
	// A trailing key without a value is dropped, not a panic.
	require.Equal(t, sdk.NewEvent("t", sdk.NewAttribute("a", "1")), events.New("t", "a", "1", "b"))
	require.Equal(t, sdk.NewEvent("t"), events.New("t", "a"))
}

func TestEmit(t *testing.T) {
	ctx := sdk.Context{}.WithEventManager(sdk.NewEventManager())
	events.Emit(ctx, "a", "k", "v")
	events.Emit(context.WithValue(context.Background(), sdk.SdkContextKey, ctx), "b") // wrapped SDK context
	events.Emit(ctx, "c", "k", "v", "dangling")
	require.Equal(t, sdk.Events{
		sdk.NewEvent("a", sdk.NewAttribute("k", "v")),
		sdk.NewEvent("b"),
		sdk.NewEvent("c", sdk.NewAttribute("k", "v")),
	}, ctx.EventManager().Events())

	// No SDK context, or none with an event manager: nothing, and no panic.
	require.NotPanics(t, func() {
		events.Emit(context.Background(), "x", "k", "v")
		//lint:ignore SA1012 a nil context must not panic either
		events.Emit(nil, "x")
		events.Emit(sdk.Context{}, "x")
	})
}

// TestCallsPairKeys reads every non-test Go file under x/ and checks that each call of
// events.Emit, or of a package-level wrapper that passes its variadic attributes on to it
// (x/vmlifecycle's emit), passes an even number of attribute strings: the odd count that
// Emit tolerates at run time (dropping the trailing key) is caught here instead. A call
// that spreads a slice is checked when the slice is an append (its appended values must
// pair up) and otherwise left to the tests of its module.
func TestCallsPairKeys(t *testing.T) {
	xdir := filepath.Join(moduleRoot(t), "x")
	fset := token.NewFileSet()
	pkgs := map[string][]*ast.File{} // directory -> its non-test files
	err := filepath.WalkDir(xdir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkgs[filepath.Dir(path)] = append(pkgs[filepath.Dir(path)], f)
		return nil
	})
	require.NoError(t, err)

	calls := map[string]int{} // keeper directory (relative to x/) -> calls checked
	for dir, files := range pkgs {
		wrappers := map[string]bool{}
		for _, f := range files {
			name := eventsName(f)
			if name == "" {
				continue
			}
			for _, decl := range f.Decls {
				if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Body != nil && forwards(fd, name) {
					wrappers[fd.Name.Name] = true
				}
			}
		}
		for _, f := range files {
			name := eventsName(f)
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || !(isEmit(call, name) || isWrapperCall(call, wrappers)) {
					return true
				}
				rel, _ := filepath.Rel(xdir, dir)
				calls[rel]++
				pos := fset.Position(call.Pos())
				if len(call.Args) < 2 {
					t.Errorf("%s: emit without a type", pos)
					return true
				}
				if call.Ellipsis.IsValid() {
					if app, ok := call.Args[len(call.Args)-1].(*ast.CallExpr); ok && isIdent(app.Fun, "append") && (len(app.Args)-1)%2 != 0 {
						t.Errorf("%s: appends %d attribute strings, not key, value pairs", pos, len(app.Args)-1)
					}
					return true
				}
				if n := len(call.Args) - 2; n%2 != 0 {
					t.Errorf("%s: %d attribute strings, not key, value pairs", pos, n)
				}
				return true
			})
		}
	}
	for _, m := range []string{"orbit", "quantumjob", "validatorset", "vmlifecycle"} {
		require.Positive(t, calls[filepath.Join(m, "keeper")], "no event emitted in x/%s/keeper: is the scan broken?", m)
	}
}

// eventsName is the name under which f imports this package ("" when it does not).
func eventsName(f *ast.File) string {
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == importPath {
			if imp.Name != nil {
				return imp.Name.Name
			}
			return "events"
		}
	}
	return ""
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func isEmit(call *ast.CallExpr, pkg string) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return pkg != "" && ok && sel.Sel.Name == "Emit" && isIdent(sel.X, pkg)
}

func isWrapperCall(call *ast.CallExpr, wrappers map[string]bool) bool {
	id, ok := call.Fun.(*ast.Ident)
	return ok && wrappers[id.Name]
}

// forwards reports whether fd spreads its own variadic parameter into a call of pkg.Emit.
func forwards(fd *ast.FuncDecl, pkg string) bool {
	params := fd.Type.Params.List
	if len(params) == 0 {
		return false
	}
	last := params[len(params)-1]
	if _, ok := last.Type.(*ast.Ellipsis); !ok || len(last.Names) != 1 {
		return false
	}
	found := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && isEmit(call, pkg) && call.Ellipsis.IsValid() &&
			isIdent(call.Args[len(call.Args)-1], last.Names[0].Name) {
			found = true
		}
		return !found
	})
	return found
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "go.mod not found")
		dir = parent
	}
}
