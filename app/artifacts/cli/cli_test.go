package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/app/artifacts"
	"github.com/novacron/novacron/app/artifacts/cli"
	"github.com/novacron/novacron/cidcalc"
	"github.com/novacron/novacron/internal/testgen"
)

func startService(t *testing.T) (*artifacts.Service, string) {
	t.Helper()
	home := t.TempDir()
	cfg := artifacts.DefaultConfig()
	cfg.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0"}
	cfg.APIAddr = "127.0.0.1:0"
	cfg.FetchTimeout = 500 * time.Millisecond
	cfg.Sync = false
	s, err := artifacts.New(cfg, home, nil)
	require.NoError(t, err)
	require.NoError(t, s.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s, home
}

// run executes `artifacts <args>` and returns stdout, stderr.
func run(t *testing.T, stdin []byte, args ...string) (string, string, error) {
	t.Helper()
	cmd := cli.NewArtifactsCmd()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetIn(bytes.NewReader(stdin))
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errb.String(), err
}

func TestCLI(t *testing.T) {
	s, _ := startService(t)
	api := "--api=" + s.APIAddr()
	dir := t.TempDir()
	data := testgen.Bytes("cli", 1<<20+5)
	file := filepath.Join(dir, "image.bin")
	require.NoError(t, os.WriteFile(file, data, 0o644))
	v0, _ := cidcalc.CIDv0(data)
	v1, _ := cidcalc.CIDv1(data)

	// --only-hash needs no node; stdout is only the CID (ipfs add -Q).
	out, stderr, err := run(t, nil, "add", "--only-hash", "--api=127.0.0.1:1", file)
	require.NoError(t, err)
	require.Equal(t, v0.String()+"\n", out)
	require.Empty(t, stderr, "no progress bar when stderr is not a terminal")
	out, _, err = run(t, data, "add", "--only-hash", "--cid-version", "1", "-")
	require.NoError(t, err)
	require.Equal(t, v1.String()+"\n", out)

	out, _, err = run(t, nil, "add", api, file)
	require.NoError(t, err)
	require.Equal(t, v0.String()+"\n", out)
	out, _, err = run(t, data, "add", api, "--cid-version=1", "--pin=false", "-")
	require.NoError(t, err)
	require.Equal(t, v1.String()+"\n", out)

	out, _, err = run(t, nil, "cat", api, v0.String())
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, []byte(out)))

	dst := filepath.Join(dir, "out.bin")
	_, _, err = run(t, nil, "get", api, v1.String(), "-o", dst)
	require.NoError(t, err)
	got, err := os.ReadFile(dst)
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, got))

	out, _, err = run(t, nil, "ls", api)
	require.NoError(t, err)
	require.Contains(t, out, v0.String())
	require.Contains(t, out, "1048581 (1.0 MiB)")
	require.NotContains(t, out, v1.String(), "added with --pin=false")

	out, _, err = run(t, nil, "stat", api, v1.String())
	require.NoError(t, err)
	require.Contains(t, out, "Pinned:         false")
	require.Contains(t, out, "Size:           1048581")

	out, _, err = run(t, nil, "pin", api, v1.String())
	require.NoError(t, err)
	require.Equal(t, "pinned "+v1.String()+"\n", out)
	_, _, err = run(t, nil, "unpin", api, v0.String(), v1.String())
	require.NoError(t, err)
	out, _, err = run(t, nil, "gc", api)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(out, "removed 12 blocks"), out) // 5 chunks + root, in each CID version

	out, _, err = run(t, nil, "id", api)
	require.NoError(t, err)
	require.Contains(t, out, "/ip4/127.0.0.1/tcp/")
	out, _, err = run(t, nil, "peers", api)
	require.NoError(t, err)
	require.Empty(t, out)

	// Bad input: clear errors, no partial output file.
	_, _, err = run(t, nil, "cat", api, "QmNotACid")
	require.ErrorIs(t, err, cidcalc.ErrInvalidCID)
	missing, _ := cidcalc.CIDv0([]byte("missing"))
	_, _, err = run(t, nil, "get", api, missing.String(), "-o", filepath.Join(dir, "missing"))
	require.ErrorIs(t, err, artifacts.ErrNotFound)
	require.Contains(t, err.Error(), "500ms")
	entries, _ := os.ReadDir(dir)
	require.Len(t, entries, 2, "no partial file left")
	_, _, err = run(t, nil, "add", api, filepath.Join(dir, "does-not-exist"))
	require.ErrorContains(t, err, "no such file")
	_, _, err = run(t, nil, "unpin", api, v0.String())
	require.ErrorIs(t, err, artifacts.ErrNotPinned)
	_, _, err = run(t, nil, "ls", "--api=127.0.0.1:1")
	require.ErrorIs(t, err, artifacts.ErrUnavailable)
}

func TestIDOfflineAndHomeConfig(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, "config"), 0o755))
	toml := "[artifacts]\napi-addr = \"127.0.0.1:1\"\nlisten-addrs = [\"/ip4/127.0.0.1/tcp/4111\"]\n"
	require.NoError(t, os.WriteFile(filepath.Join(home, "config", "app.toml"), []byte(toml), 0o644))
	out1, _, err := run(t, nil, "id", "--offline", "--home", home)
	require.NoError(t, err)
	out2, _, err := run(t, nil, "id", "--offline", "--home", home)
	require.NoError(t, err)
	require.Equal(t, out1, out2, "identity is stable")
	lines := strings.Split(strings.TrimSpace(out1), "\n")
	require.Len(t, lines, 2)
	require.Equal(t, "/ip4/127.0.0.1/tcp/4111/p2p/"+lines[0], lines[1])
	// The API address comes from app.toml.
	_, _, err = run(t, nil, "ls", "--home", home)
	require.ErrorContains(t, err, "127.0.0.1:1")
}
