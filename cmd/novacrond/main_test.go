package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no go command in $PATH or GOROOT: %v", err)
	}
	return p
}

// The shipped `novacrond` must link neither test libraries nor the chain app: everything
// linked is initialised at every start (see package light), and test libraries do not
// belong in a release binary anyway. The node binary (novacrond-node) does link testify and
// rapid, through non-test files of cosmos-sdk (testutil/sims via x/auth, x/bank, ...;
// testutil/testdata via x/genutil) and cometbft (types/test_util.go).
func TestShippedBinaryDependencies(t *testing.T) {
	out, err := exec.Command(goTool(t), "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", ".").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list -deps: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list -deps: %v", err)
	}
	// a package and everything under it
	forbiddenTrees := []string{
		"pgregory.net/rapid",
		"github.com/stretchr/testify",
		"github.com/novacron/novacron/cmd/novacrond/cmd", // the node's command tree
		"github.com/cosmos/cosmos-sdk/server",
		"github.com/cosmos/cosmos-sdk/codec",
		"github.com/cosmos/gogoproto",
		"google.golang.org/grpc",
	}
	// exactly these packages (the app, and the types packages all the node's modules import)
	forbidden := map[string]bool{
		"github.com/novacron/novacron/app":   true,
		"github.com/cosmos/cosmos-sdk/types": true,
		"github.com/cometbft/cometbft/types": true,
	}
	imports := map[string][]string{}
	var pkgs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkgs = append(pkgs, f[0])
		imports[f[0]] = f[1:]
	}
	const self = "github.com/novacron/novacron/cmd/novacrond"
	if len(pkgs) < 100 || pkgs[len(pkgs)-1] != self {
		t.Fatalf("unexpected go list -deps output (%d packages):\n%s", len(pkgs), out)
	}
	// how each package is reached from the main package (breadth first: a shortest chain)
	via := map[string]string{self: ""}
	for queue := []string{self}; len(queue) > 0; queue = queue[1:] {
		for _, m := range imports[queue[0]] {
			if _, seen := via[m]; !seen {
				via[m] = queue[0]
				queue = append(queue, m)
			}
		}
	}
	var bad []string
	for _, d := range pkgs {
		hit := forbidden[d]
		for _, f := range forbiddenTrees {
			hit = hit || d == f || strings.HasPrefix(d, f+"/")
		}
		if hit {
			bad = append(bad, d)
		}
	}
	// test libraries first, then the shortest chains (the import to remove)
	depth := func(d string) int {
		n := 0
		for p := via[d]; p != ""; p = via[p] {
			n++
		}
		if strings.HasPrefix(d, "pgregory.net/") || strings.HasPrefix(d, "github.com/stretchr/") {
			n -= 1000
		}
		return n
	}
	sort.SliceStable(bad, func(i, j int) bool { return depth(bad[i]) < depth(bad[j]) })
	for i, d := range bad {
		if i == 5 {
			t.Errorf("... and %d more", len(bad)-i)
			break
		}
		chain := []string{d}
		for p := via[d]; p != ""; p = via[p] {
			chain = append([]string{p}, chain...)
		}
		t.Errorf("cmd/novacrond links %s, imported through\n\t%s", d, strings.Join(chain, "\n\t-> "))
	}
}

// fakeNode is a novacrond-node stand-in: it prints its arguments (one per line), its pid and
// its stdin, and exits 7.
const fakeNode = `#!/bin/sh
echo "fake-node pid=$$"
for a in "$@"; do echo "arg=$a"; done
cat
exit 7
`

func TestDispatch(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake node is a shell script")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "novacrond")
	build := exec.Command(goTool(t), "build", "-o", bin,
		"-ldflags", "-X github.com/cosmos/cosmos-sdk/version.Version=v-test", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	node := filepath.Join(dir, "novacrond-node")
	if err := os.WriteFile(node, []byte(fakeNode), 0o755); err != nil {
		t.Fatal(err)
	}

	run := func(env []string, stdin string, args ...string) (stdout, stderr string, pid, code int) {
		t.Helper()
		c := exec.Command(bin, args...)
		c.Env = append(os.Environ(), env...)
		c.Stdin = strings.NewReader(stdin)
		var o, e bytes.Buffer
		c.Stdout, c.Stderr = &o, &e
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		err := c.Wait()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return o.String(), e.String(), c.Process.Pid, c.ProcessState.ExitCode()
	}

	// Node commands: the node runs in the same process (execve) with the arguments, stdin,
	// stdout and exit status untouched.
	out, errOut, pid, code := run(nil, "from stdin\n", "start", "--home", "a b", "")
	want := "fake-node pid=" + strconv.Itoa(pid) + "\narg=start\narg=--home\narg=a b\narg=\nfrom stdin\n"
	if out != want || code != 7 || errOut != "" {
		t.Errorf("start: stdout %q, stderr %q, exit %d; want stdout %q, exit 7", out, errOut, code, want)
	}
	if out, _, _, _ := run(nil, "", "version", "--long"); !strings.Contains(out, "arg=--long") {
		t.Errorf("version --long did not go to the node: %q", out)
	}
	if out, _, _, _ := run(nil, ""); !strings.HasPrefix(out, "fake-node") {
		t.Errorf("no arguments (root help) did not go to the node: %q", out)
	}

	// Light commands never reach the node.
	if out, errOut, _, code := run(nil, "", "version"); out != "v-test\n" || errOut != "" || code != 0 {
		t.Errorf("version: stdout %q, stderr %q, exit %d", out, errOut, code)
	}
	f := filepath.Join(dir, "empty")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// the CID of an empty file, as `ipfs add --only-hash -Q`
	if out, errOut, _, code := run(nil, "", "artifacts", "add", "--only-hash", f); out != "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH\n" || code != 0 {
		t.Errorf("artifacts add --only-hash: stdout %q, stderr %q, exit %d", out, errOut, code)
	}

	// $NOVACROND_NODE_BINARY overrides the location; without a node binary the error says what is missing.
	moved := filepath.Join(dir, "elsewhere")
	if err := os.Rename(node, moved); err != nil {
		t.Fatal(err)
	}
	if out, _, _, code := run([]string{"NOVACROND_NODE_BINARY=" + moved}, "", "status"); !strings.Contains(out, "arg=status") || code != 7 {
		t.Errorf("NOVACROND_NODE_BINARY: stdout %q, exit %d", out, code)
	}
	out, errOut, _, code = run(nil, "", "start")
	if code != 1 || out != "" || !strings.Contains(errOut, "Error:") || !strings.Contains(errOut, "novacrond-node") {
		t.Errorf("missing node binary: stdout %q, stderr %q, exit %d", out, errOut, code)
	}
}
