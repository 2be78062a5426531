package keeper_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/quantumjob/engine/cli"
	qjtestutil "github.com/novacron/novacron/x/quantumjob/testutil"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// branchy has 9 non-terminal measurements: 512 branches exceed the chain's
// bound of 256, so validators sample trajectories; the off-chain limits
// (4096) enumerate them exactly and draw other counts.
const branchy = `OPENQASM 2.0;
include "qelib1.inc";
qreg q[9];
creg m[9];
creg c[2];
h q;
measure q -> m;
h q;
t q[0];
cx q[0],q[1];
measure q[0] -> c[0];
measure q[1] -> c[1];
`

func cliCounts(t *testing.T, args ...string) (map[string]uint64, string) {
	t.Helper()
	cmd := cli.NewQuantumCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetArgs(args)
	require.NoError(t, cmd.Execute())
	var doc struct {
		Counts  map[string]uint64 `json:"counts"`
		SeedHex string            `json:"seed_hex"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc), out.String())
	return doc.Counts, doc.SeedHex
}

func countsMap(es []types.Entry) map[string]uint64 {
	m := map[string]uint64{}
	for _, e := range es {
		m[e.Key] = e.Value
	}
	return m
}

// `novacrond quantum run` with --chain-id/--height/--job-id (or --seed-hex of Result.seed)
// and --chain-limits prints exactly the counts the keeper stored for the job.
func TestCLIReproducesOnChainCounts(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	srcs := []string{qjtestutil.GHZ3, qjtestutil.NonClifford, branchy}
	shots := []uint32{1000, 4096, 700}
	for i, src := range srcs {
		f.Submit(t, 1, src, shots[i], "")
	}
	const height = 23
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(height)))

	dir := t.TempDir()
	for i, src := range srcs {
		id := uint64(i + 1)
		r := result(t, f, id)
		file := filepath.Join(dir, fmt.Sprintf("job%d.qasm", id))
		require.NoError(t, os.WriteFile(file, []byte(src), 0o644))
		common := []string{"run", file, "--shots", fmt.Sprint(shots[i]), "--output", "json", "--chain-limits"}

		got, seedHex := cliCounts(t, append(common, "--chain-id", qjtestutil.ChainID, "--height", fmt.Sprint(height), "--job-id", fmt.Sprint(id))...)
		require.Equal(t, countsMap(r.Counts), got, "job %d", id)
		require.Equal(t, hex.EncodeToString(r.Seed), seedHex)

		got, _ = cliCounts(t, append(common, "--seed-hex", hex.EncodeToString(r.Seed))...)
		require.Equal(t, countsMap(r.Counts), got, "job %d via --seed-hex", id)

		// another job id: another seed, other counts
		other, _ := cliCounts(t, append(common, "--chain-id", qjtestutil.ChainID, "--height", fmt.Sprint(height), "--job-id", "99")...)
		require.NotEqual(t, countsMap(r.Counts), other)
	}
	// Without --chain-limits the off-chain branch bound enumerates the branchy job exactly:
	// same seed, different (but equally valid) counts.
	r := result(t, f, 3)
	require.False(t, r.ProbabilitiesExact)
	got, _ := cliCounts(t, "run", filepath.Join(dir, "job3.qasm"), "--shots", "700", "--output", "json",
		"--seed-hex", hex.EncodeToString(r.Seed))
	require.NotEqual(t, countsMap(r.Counts), got)
}
