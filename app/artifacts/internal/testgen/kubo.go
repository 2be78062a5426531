package testgen

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// KuboEnv names the variable that points tests at a kubo `ipfs` binary.
const KuboEnv = "KUBO_BIN"

// KuboBin returns the kubo binary or skips the test with instructions.
func KuboBin(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(KuboEnv)
	if bin == "" {
		t.Skipf("kubo interop skipped: set %s=$(scripts/build-kubo.sh) to run it", KuboEnv)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("kubo interop skipped: %s=%s: %v", KuboEnv, bin, err)
	}
	return bin
}

// Kubo is an initialised kubo repo (`ipfs init --profile=test`).
type Kubo struct {
	T    testing.TB
	Bin  string
	Repo string
}

// NewKubo initialises a throwaway repo in a temp dir.
func NewKubo(t testing.TB) *Kubo {
	k := &Kubo{T: t, Bin: KuboBin(t), Repo: t.TempDir()}
	k.Run(nil, "init", "--profile=test", "--empty-repo")
	return k
}

// Cmd prepares an ipfs command against this repo.
func (k *Kubo) Cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(k.Bin, args...)
	cmd.Env = append(os.Environ(), "IPFS_PATH="+k.Repo)
	return cmd
}

// Run runs ipfs with stdin and returns trimmed stdout; fails the test on error.
func (k *Kubo) Run(stdin io.Reader, args ...string) string {
	k.T.Helper()
	cmd := k.Cmd(args...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		k.T.Fatalf("ipfs %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}
