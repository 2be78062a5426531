//go:build e2e

// Package e2e drives a real 4-validator localnet through the novacrond CLI, as a user would.
// Run with `make e2e` (builds the binary, then `go test -tags e2e ./tests/e2e/`).
package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const chainID = "novacron-local-1"

type node struct {
	Name    string `json:"name"`
	Home    string `json:"home"`
	RPC     string `json:"rpc"`
	GRPC    string `json:"grpc"`
	REST    string `json:"rest"`
	PID     int    `json:"pid"`
	Running bool   `json:"running"`
	Height  *int64 `json:"height"`
}

type localnet struct {
	t    *testing.T
	root string
	bin  string
	env  []string
}

func repoRoot(t *testing.T) string {
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

func (l *localnet) script(args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(l.root, "scripts", "localnet.sh"), args...)
	cmd.Env = l.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (l *localnet) status() []node {
	out, err := l.script("status", "--json")
	require.NoError(l.t, err, out)
	var st struct {
		ChainID string `json:"chain_id"`
		Nodes   []node `json:"nodes"`
	}
	require.NoError(l.t, json.Unmarshal([]byte(out), &st), out)
	require.Equal(l.t, chainID, st.ChainID)
	return st.Nodes
}

// cli runs novacrond against node i's home (its client.toml points at its RPC) and returns stdout.
func (l *localnet) cli(i int, args ...string) (string, error) {
	home := l.status()[i].Home
	full := append(args, "--home", home)
	cmd := exec.Command(l.bin, full...)
	cmd.Env = l.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String(), fmt.Errorf("novacrond %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

func (l *localnet) mustCLI(i int, args ...string) string {
	out, err := l.cli(i, args...)
	require.NoError(l.t, err)
	return out
}

func (l *localnet) jsonCLI(i int, v any, args ...string) {
	out := l.mustCLI(i, append(args, "--output", "json")...)
	require.NoError(l.t, json.Unmarshal([]byte(out), v), out)
}

type txResp struct {
	Code   uint32 `json:"code"`
	RawLog string `json:"raw_log"`
	TxHash string `json:"txhash"`
	Height string `json:"height"` // "0" until committed
}

// tx broadcasts (sync) and waits for inclusion; it returns the final result.
func (l *localnet) tx(i int, args ...string) txResp {
	var r txResp
	l.jsonCLI(i, &r, append(args, "--chain-id", chainID, "--keyring-backend", "test", "--yes")...)
	if r.Code != 0 {
		return r
	}
	return l.waitTx(i, r.TxHash)
}

func (l *localnet) waitTx(i int, hash string) txResp {
	var r txResp
	l.eventually(30*time.Second, func() bool {
		out, err := l.cli(i, "query", "tx", hash, "--output", "json")
		return err == nil && json.Unmarshal([]byte(out), &r) == nil
	}, "tx %s not committed", hash)
	return r
}

func (l *localnet) eventually(timeout time.Duration, cond func() bool, msg string, args ...any) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	l.t.Fatalf(msg, args...)
}

func (l *localnet) height(i int) int64 {
	var st struct {
		SyncInfo struct {
			LatestBlockHeight string `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	l.jsonCLI(i, &st, "status")
	h, err := strconv.ParseInt(st.SyncInfo.LatestBlockHeight, 10, 64)
	require.NoError(l.t, err)
	return h
}

func (l *localnet) addr(i int, key string, bech ...string) string {
	args := []string{"keys", "show", key, "-a", "--keyring-backend", "test"}
	if len(bech) > 0 {
		args = append(args, "--bech", bech[0])
	}
	return strings.TrimSpace(l.mustCLI(i, args...))
}

func (l *localnet) balance(i int, addr string) int64 {
	var b struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	l.jsonCLI(i, &b, "query", "bank", "balance", addr, "unova")
	n, _ := strconv.ParseInt(b.Balance.Amount, 10, 64)
	return n
}

func (l *localnet) validators(i int) map[string]string {
	var v struct {
		Validators []struct {
			OperatorAddress string `json:"operator_address"`
			Status          string `json:"status"`
		} `json:"validators"`
	}
	l.jsonCLI(i, &v, "query", "staking", "validators")
	out := map[string]string{}
	for _, val := range v.Validators {
		out[val.OperatorAddress] = val.Status
	}
	return out
}

func TestLocalnet(t *testing.T) {
	root := repoRoot(t)
	bin := os.Getenv("NOVACROND")
	if bin == "" {
		bin = filepath.Join(root, "build", "novacrond")
	}
	_, err := os.Stat(bin)
	require.NoError(t, err, "build the binary first (make build)")
	dir := t.TempDir()
	portBase := os.Getenv("E2E_PORT_BASE") // to run beside another localnet
	if portBase == "" {
		portBase = "28000"
	}
	l := &localnet{t: t, root: root, bin: bin, env: append(os.Environ(),
		"NOVACROND="+bin, "LOCALNET_DIR="+dir, "LOCALNET_PORT_BASE="+portBase, "HOME="+dir)}

	out, err := l.script("start")
	require.NoError(t, err, out)
	t.Cleanup(func() {
		out, err := l.script("stop")
		if err != nil {
			t.Errorf("stop: %v: %s", err, out)
		}
		for _, n := range l.status() {
			if n.Running {
				t.Errorf("%s still running after stop", n.Name)
			}
		}
	})

	t.Run("second start is refused", func(t *testing.T) {
		out, err := l.script("start")
		require.Error(t, err)
		require.Contains(t, out, "already running")
		for _, n := range l.status() {
			require.True(t, n.Running, "%s must survive the refused start", n.Name)
		}
	})

	t.Run("bad input gets a clear message", func(t *testing.T) {
		// Busy ports: a second network in another folder on the same ports is refused, nothing started.
		other := t.TempDir()
		cmd := exec.Command(filepath.Join(l.root, "scripts", "localnet.sh"), "start")
		cmd.Env = append(l.env, "LOCALNET_DIR="+other)
		out, err := cmd.CombinedOutput()
		require.Error(t, err)
		require.Contains(t, string(out), "ports already in use")
		entries, _ := os.ReadDir(other)
		require.Empty(t, entries, "a refused start must leave nothing behind")

		// Malformed genesis: validation names the problem.
		bad := filepath.Join(t.TempDir(), "genesis.json")
		require.NoError(t, os.WriteFile(bad, []byte(`{"chain_id": "x", "app_state": {"bank": 7}}`), 0o600))
		_, err = l.cli(0, "genesis", "validate", bad)
		require.Error(t, err)

		// Unknown flag.
		_, err = l.cli(0, "query", "bank", "balances", "--no-such-flag")
		require.ErrorContains(t, err, "unknown flag")
	})

	t.Run("all nodes commit blocks with the same app hash", func(t *testing.T) {
		nodes := l.status()
		require.Len(t, nodes, 4)
		start := l.height(0)
		for i := range nodes {
			l.eventually(30*time.Second, func() bool { return l.height(i) >= start+3 }, "node%d stuck", i)
		}
		common := start + 2
		var hashes []string
		for i := range nodes {
			var blk struct {
				Header struct {
					AppHash string `json:"app_hash"`
				} `json:"header"`
			}
			l.jsonCLI(i, &blk, "query", "block", "--type=height", strconv.FormatInt(common, 10))
			require.NotEmpty(t, blk.Header.AppHash)
			hashes = append(hashes, blk.Header.AppHash)
		}
		for i := 1; i < len(hashes); i++ {
			require.Equal(t, hashes[0], hashes[i], "app hash of node%d at height %d", i, common)
		}
	})

	t.Run("bank transfer is seen on another node", func(t *testing.T) {
		l.mustCLI(2, "keys", "add", "alice", "--keyring-backend", "test")
		alice := l.addr(2, "alice")
		r := l.tx(0, "tx", "bank", "send", "faucet", alice, "12345unova")
		require.Zero(t, r.Code, r.RawLog)
		l.eventually(20*time.Second, func() bool { return l.balance(2, alice) == 12345 }, "alice balance not seen on node2")
	})

	t.Run("artifact added on node0 is fetched byte-identical on node3", func(t *testing.T) {
		data := make([]byte, 600_000) // three 256 KiB chunks
		for i := range data {
			data[i] = byte(i*7 + i/1000)
		}
		src := filepath.Join(t.TempDir(), "artifact.bin")
		require.NoError(t, os.WriteFile(src, data, 0o600))
		cid := strings.TrimSpace(l.mustCLI(0, "artifacts", "add", src))
		offline := strings.TrimSpace(l.mustCLI(3, "artifacts", "add", src, "--only-hash"))
		require.Equal(t, offline, cid, "the CID must not depend on the node")
		dst := filepath.Join(t.TempDir(), "fetched.bin")
		l.mustCLI(3, "artifacts", "get", cid, "-o", dst)
		got, err := os.ReadFile(dst)
		require.NoError(t, err)
		require.Equal(t, data, got)
	})

	t.Run("quantum job runs on chain with integer results", func(t *testing.T) {
		qasm := filepath.Join(t.TempDir(), "ghz.qasm")
		require.NoError(t, os.WriteFile(qasm, []byte("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nmeasure q -> c;\n"), 0o600))
		r := l.tx(0, "tx", "quantumjob", "submit", qasm, "--shots", "1000", "--from", "faucet", "--gas", "400000")
		require.Zero(t, r.Code, r.RawLog)
		var res struct {
			Result struct {
				Probabilities []struct {
					Key   string `json:"key"`
					Value string `json:"value"`
				} `json:"probabilities"`
				Counts []struct {
					Key   string `json:"key"`
					Value string `json:"value"`
				} `json:"counts"`
			} `json:"result"`
		}
		var id string
		var jobs struct {
			Jobs []struct {
				ID string `json:"id"`
			} `json:"jobs"`
		}
		l.jsonCLI(0, &jobs, "query", "quantumjob", "jobs", l.addr(0, "faucet"))
		require.NotEmpty(t, jobs.Jobs)
		id = jobs.Jobs[len(jobs.Jobs)-1].ID
		l.eventually(20*time.Second, func() bool {
			out, err := l.cli(2, "query", "quantumjob", "result", id, "--output", "json")
			return err == nil && json.Unmarshal([]byte(out), &res) == nil && len(res.Result.Counts) > 0
		}, "job %s has no result", id)
		require.Len(t, res.Result.Probabilities, 2)
		require.Equal(t, "000", res.Result.Probabilities[0].Key)
		require.Equal(t, "500000000000", res.Result.Probabilities[0].Value)
		require.Equal(t, "111", res.Result.Probabilities[1].Key)
		total := 0
		for _, c := range res.Result.Counts {
			n, err := strconv.Atoi(c.Value)
			require.NoError(t, err)
			total += n
		}
		require.Equal(t, 1000, total)

		// A malformed circuit is refused at CheckTx with its line:column.
		bad := filepath.Join(t.TempDir(), "bad.qasm")
		require.NoError(t, os.WriteFile(bad, []byte("OPENQASM 2.0;\nqreg q[1];\nfoo q[0];\n"), 0o600))
		r = l.tx(0, "tx", "quantumjob", "submit", bad, "--from", "faucet")
		require.NotZero(t, r.Code)
		require.Contains(t, r.RawLog, "3:1")
	})

	t.Run("metered engines: no input makes a node work more than it paid for", func(t *testing.T) {
		testMeteredEngines(t, l)
	})

	t.Run("block gas and query gas are limited", func(t *testing.T) {
		var gen struct {
			Consensus struct {
				Params struct {
					Block struct {
						MaxGas string `json:"max_gas"`
					} `json:"block"`
				} `json:"params"`
			} `json:"consensus"`
		}
		bz, err := os.ReadFile(filepath.Join(l.status()[0].Home, "config", "genesis.json"))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(bz, &gen))
		require.Equal(t, "50000000", gen.Consensus.Params.Block.MaxGas)
		toml, err := os.ReadFile(filepath.Join(l.status()[0].Home, "config", "app.toml"))
		require.NoError(t, err)
		require.Contains(t, string(toml), `query-gas-limit = "10000000"`)
	})

	t.Run("orbit latency matrix and routes are served", func(t *testing.T) {
		var snap struct {
			Snapshot struct {
				RegionCodes []string `json:"region_codes"`
				RttUs       []string `json:"rtt_us"`
			} `json:"snapshot"`
		}
		l.eventually(30*time.Second, func() bool {
			out, err := l.cli(1, "query", "orbit", "latency-matrix", "--output", "json")
			return err == nil && json.Unmarshal([]byte(out), &snap) == nil && len(snap.Snapshot.RegionCodes) > 0
		}, "no latency snapshot")
		n := len(snap.Snapshot.RegionCodes)
		require.Equal(t, 100, n)
		require.Len(t, snap.Snapshot.RttUs, n*n)
		var route struct {
			RttUs      string `json:"rtt_us"`
			FibreRttUs string `json:"fibre_rtt_us"`
		}
		l.jsonCLI(1, &route, "query", "orbit", "route", "new-york-newark", "london")
		rtt, _ := strconv.ParseInt(route.RttUs, 10, 64)
		fibre, _ := strconv.ParseInt(route.FibreRttUs, 10, 64)
		require.Greater(t, rtt, int64(40_000))
		require.Less(t, rtt, fibre, "LEO beats fibre New York-London")
	})

	t.Run("vmlifecycle: hosts, placements, host agent, drain", func(t *testing.T) { testVMLifecycle(t, l) })

	t.Run("heal: attested host failure, remediation, a lying validator", func(t *testing.T) { testHeal(t, l) })

	t.Run("non-allowlisted validator is rejected and nothing changes", func(t *testing.T) {
		l.mustCLI(1, "keys", "add", "rogue", "--keyring-backend", "test")
		rogue := l.addr(1, "rogue")
		r := l.tx(0, "tx", "bank", "send", "faucet", rogue, "5000000unova")
		require.Zero(t, r.Code, r.RawLog)
		l.eventually(20*time.Second, func() bool { return l.balance(1, rogue) == 5000000 }, "rogue not funded")

		before := l.validators(1)
		pubkey := strings.TrimSpace(l.mustCLI(1, "comet", "show-validator"))
		valJSON := filepath.Join(t.TempDir(), "validator.json")
		require.NoError(t, os.WriteFile(valJSON, []byte(fmt.Sprintf(`{"pubkey": %s, "amount": "1000000unova", "moniker": "rogue",
			"commission-rate": "0.1", "commission-max-rate": "0.2", "commission-max-change-rate": "0.01", "min-self-delegation": "1"}`, pubkey)), 0o600))
		out, err := l.cli(1, "tx", "staking", "create-validator", valJSON, "--from", "rogue",
			"--chain-id", chainID, "--keyring-backend", "test", "--yes", "--output", "json")
		combined := out
		if err != nil {
			combined += err.Error()
		}
		require.Contains(t, combined, "not on the allowlist", "rejection must name the cause")
		require.Equal(t, before, l.validators(1), "validator set changed")
		require.Equal(t, int64(5000000), l.balance(1, rogue), "rejected tx must not charge the sender")
	})

	t.Run("multisig council passes a proposal and the 5th operator joins", func(t *testing.T) {
		kr := []string{"--keyring-backend", "test"}
		for _, k := range []string{"a", "b", "c"} {
			l.mustCLI(0, append([]string{"keys", "add", k}, kr...)...)
		}
		l.mustCLI(0, append([]string{"keys", "add", "council", "--multisig", "a,b,c", "--multisig-threshold", "2"}, kr...)...)
		council := l.addr(0, "council")
		r := l.tx(0, "tx", "bank", "send", "faucet", council, "20000000unova")
		require.Zero(t, r.Code, r.RawLog)

		out, err := l.script("add-node")
		require.NoError(t, err, out)
		nodes := l.status()
		require.Len(t, nodes, 5)
		op5 := l.addr(4, "val4", "val")
		acc5 := l.addr(4, "val4")

		work := t.TempDir()
		unsigned := filepath.Join(work, "unsigned.json")
		gen := l.mustCLI(0, "tx", "validatorset", "add-validator", op5, "fifth operator",
			"--from", council, "--generate-only", "--deposit", "1000000unova",
			"--title", "Allowlist the fifth operator", "--summary", "Adds node4 to the validator allowlist",
			"--chain-id", chainID, "--keyring-backend", "test")
		require.NoError(t, os.WriteFile(unsigned, []byte(gen), 0o600))
		sigs := []string{}
		for _, member := range []string{"a", "b"} {
			sig := filepath.Join(work, member+".sig.json")
			l.mustCLI(0, "tx", "sign", unsigned, "--from", member, "--multisig", "council", "--sign-mode", "amino-json",
				"--chain-id", chainID, "--keyring-backend", "test", "--output-document", sig)
			sigs = append(sigs, sig)
		}
		signed := filepath.Join(work, "signed.json")
		l.mustCLI(0, append(append([]string{"tx", "multisign", unsigned, "council"}, sigs...),
			"--chain-id", chainID, "--keyring-backend", "test", "--output-document", signed)...)
		l.mustCLI(0, "tx", "validate-signatures", signed, "--chain-id", chainID, "--keyring-backend", "test")
		var br txResp
		l.jsonCLI(0, &br, "tx", "broadcast", signed, "--chain-id", chainID)
		require.Zero(t, br.Code, br.RawLog)
		require.Zero(t, l.waitTx(0, br.TxHash).Code)

		l.passLatestProposal(4)
		var allowed struct {
			Allowed bool `json:"allowed"`
		}
		l.jsonCLI(0, &allowed, "query", "validatorset", "operator", op5)
		require.True(t, allowed.Allowed)

		r = l.tx(0, "tx", "bank", "send", "faucet", acc5, "20000000000unova")
		require.Zero(t, r.Code, r.RawLog)
		l.eventually(20*time.Second, func() bool { return l.balance(4, acc5) > 0 }, "val4 not funded")
		pubkey := strings.TrimSpace(l.mustCLI(4, "comet", "show-validator"))
		valJSON := filepath.Join(work, "validator4.json")
		require.NoError(t, os.WriteFile(valJSON, []byte(fmt.Sprintf(`{"pubkey": %s, "amount": "10000000000unova", "moniker": "node4",
			"commission-rate": "0.1", "commission-max-rate": "0.2", "commission-max-change-rate": "0.01", "min-self-delegation": "1"}`, pubkey)), 0o600))
		r = l.tx(4, "tx", "staking", "create-validator", valJSON, "--from", "val4")
		require.Zero(t, r.Code, r.RawLog)
		l.eventually(30*time.Second, func() bool { return l.validators(0)[op5] == "BOND_STATUS_BONDED" }, "node4 not bonded")

		// node4 signs: its consensus address appears in a later block's commit.
		want := consBase64(t, l, strings.TrimSpace(l.mustCLI(4, "comet", "show-address")))
		signedBy := func(h int64) bool {
			var blk struct {
				LastCommit struct {
					Signatures []struct {
						ValidatorAddress string `json:"validator_address"`
						BlockIDFlag      string `json:"block_id_flag"`
					} `json:"signatures"`
				} `json:"last_commit"`
			}
			out, err := l.cli(0, "query", "block", "--type=height", strconv.FormatInt(h, 10), "--output", "json")
			if err != nil || json.Unmarshal([]byte(out), &blk) != nil {
				return false
			}
			for _, s := range blk.LastCommit.Signatures {
				if s.ValidatorAddress == want && s.BlockIDFlag == "BLOCK_ID_FLAG_COMMIT" {
					return true
				}
			}
			return false
		}
		l.eventually(40*time.Second, func() bool { return signedBy(l.height(0)) }, "node4 never signed a block")

		t.Run("removal by governance takes it out of the active set", func(t *testing.T) {
			r := l.tx(0, "tx", "validatorset", "remove-validator", op5, "--from", "faucet", "--deposit", "1000000unova",
				"--title", "Revoke the fifth operator", "--summary", "Removes node4 from the allowlist")
			require.Zero(t, r.Code, r.RawLog)
			l.passLatestProposal(5)
			l.eventually(30*time.Second, func() bool { return l.validators(0)[op5] != "BOND_STATUS_BONDED" }, "node4 still bonded")
			var allowed struct {
				Allowed bool `json:"allowed"`
			}
			l.jsonCLI(0, &allowed, "query", "validatorset", "operator", op5)
			require.False(t, allowed.Allowed)
			// The chain goes on with the 4 allowlisted validators.
			h := l.height(0)
			l.eventually(20*time.Second, func() bool { return l.height(0) >= h+2 }, "chain stalled after removal")
		})
	})
}

// passLatestProposal votes yes with the first n validators (val0..val{n-1}) on the newest
// proposal and waits until it passes.
func (l *localnet) passLatestProposal(n int) {
	t := l.t
	var props struct {
		Proposals []struct {
			ID string `json:"id"`
		} `json:"proposals"`
	}
	l.jsonCLI(0, &props, "query", "gov", "proposals")
	require.NotEmpty(t, props.Proposals)
	id := props.Proposals[len(props.Proposals)-1].ID
	for i := 0; i < n; i++ {
		r := l.tx(i, "tx", "gov", "vote", id, "yes", "--from", fmt.Sprintf("val%d", i))
		require.Zero(t, r.Code, r.RawLog)
	}
	l.eventually(60*time.Second, func() bool {
		var p struct {
			Proposal struct {
				Status string `json:"status"`
			} `json:"proposal"`
		}
		l.jsonCLI(0, &p, "query", "gov", "proposal", id)
		require.NotEqual(t, "PROPOSAL_STATUS_REJECTED", p.Proposal.Status)
		require.NotEqual(t, "PROPOSAL_STATUS_FAILED", p.Proposal.Status)
		return p.Proposal.Status == "PROPOSAL_STATUS_PASSED"
	}, "proposal %s did not pass", id)
}

// consBase64 converts a novavalcons bech32 address to the base64 form blocks carry.
func consBase64(t *testing.T, l *localnet, bech string) string {
	out := l.mustCLI(0, "debug", "addr", bech)
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Address (hex):") {
			hexs := strings.TrimSpace(strings.TrimPrefix(line, "Address (hex):"))
			bz, err := hex.DecodeString(hexs)
			require.NoError(t, err)
			return base64.StdEncoding.EncodeToString(bz)
		}
	}
	t.Fatalf("debug addr: no hex in %q", out)
	return ""
}
