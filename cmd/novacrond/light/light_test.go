package light_test

import (
	"bytes"
	"path/filepath"
	"testing"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"

	"github.com/novacron/novacron/app"
	"github.com/novacron/novacron/app/nodehome"
	"github.com/novacron/novacron/cmd/novacrond/light"
)

// run executes the light tree with args, through light.Execute or (sdk) through the SDK's
// server/cmd.Execute as the single binary did before the split, and returns what it printed.
func run(t *testing.T, sdk bool, args ...string) string {
	t.Helper()
	root := light.NewRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	var err error
	if sdk {
		err = svrcmd.Execute(root, "", app.DefaultNodeHome)
	} else {
		err = light.Execute(root)
	}
	if err != nil {
		out.WriteString("Error: " + err.Error() + "\n")
	}
	return out.String()
}

// The light binary's root must behave as the SDK's Execute over the same tree (same
// persistent flags, defaults and help text, same errors), which is what `novacrond` ran
// for these commands before they moved out of the node binary.
func TestExecuteMatchesSDK(t *testing.T) {
	qasm := filepath.Join(t.TempDir(), "bell.qasm")
	for _, args := range [][]string{
		{"version", "--help"},
		{"quantum", "--help"},
		{"quantum", "run", "--help"},
		{"quantum", "run"},
		{"quantum", "run", qasm},
		{"orbit", "--help"},
		{"orbit", "sgp4", "--help"},
		{"artifacts", "--help"},
		{"artifacts", "add", "--help"},
		{"artifacts", "add"},
		{"artifacts", "bogus"},
		{"--help"},
	} {
		want, got := run(t, true, args...), run(t, false, args...)
		if got != want {
			t.Errorf("novacrond %q:\nlight:\n%s\nSDK Execute:\n%s", args, got, want)
		}
	}
}

func TestHandles(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"version"}, true},
		{[]string{"version", "--long"}, false},
		{[]string{"version", "-o", "json"}, false},
		{[]string{"quantum", "run", "x.qasm"}, true},
		{[]string{"orbit"}, true},
		{[]string{"artifacts", "add", "--only-hash", "f"}, true},
		{[]string{"start"}, false},
		{[]string{"--home", "h", "artifacts"}, false},
		{[]string{"help", "artifacts"}, false},
		{[]string{"keys", "list"}, false},
	} {
		if got := light.Handles(c.args); got != c.want {
			t.Errorf("Handles(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}

func TestDefaultNodeHome(t *testing.T) {
	if app.DefaultNodeHome != nodehome.Default() {
		t.Fatalf("app.DefaultNodeHome %q, nodehome.Default() %q", app.DefaultNodeHome, nodehome.Default())
	}
}
