// Package layering holds the tree's import rules as tests: x/ never imports app/, and the
// pure engines import nothing from the Cosmos SDK (DESIGN: engines beside the node, as
// go-ethereum keeps its libraries).
package layering

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func deps(t *testing.T, patterns ...string) []string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	cmd := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}}"}, patterns...)...)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", patterns, err)
	}
	return strings.Fields(string(out))
}

func TestModulesDoNotImportApp(t *testing.T) {
	for _, p := range deps(t, "./x/...") {
		if p == "github.com/novacron/novacron/app" || strings.HasPrefix(p, "github.com/novacron/novacron/app/") {
			t.Errorf("x/ depends on %s", p)
		}
	}
}

func TestEnginesArePure(t *testing.T) {
	for _, p := range deps(t, "./x/quantumjob/engine/...", "./x/orbit/engine/...", "./x/vmlifecycle/engine/...", "./x/heal/engine/...", "./x/internal/dmath/...", "./x/internal/meter/...", "./cidcalc/...", "./voteext/...") {
		for _, banned := range []string{"github.com/cosmos/", "cosmossdk.io/", "github.com/cometbft/"} {
			if strings.HasPrefix(p, banned) {
				t.Errorf("a pure engine depends on %s", p)
			}
		}
	}
}
