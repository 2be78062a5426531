//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// broadcastRaw sends a base64 tx to node i's RPC with broadcast_tx_sync, as an attacker
// would without any client, and returns CheckTx's code and log.
func (l *localnet) broadcastRaw(i int, txB64 string) (uint32, string) {
	rpc := strings.Replace(l.status()[i].RPC, "tcp://", "http://", 1)
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "broadcast_tx_sync", "params": map[string]string{"tx": txB64}})
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Post(rpc, "application/json", bytes.NewReader(body))
	require.NoError(l.t, err, "CheckTx must answer at once")
	defer resp.Body.Close()
	var out struct {
		Result struct {
			Code uint32 `json:"code"`
			Log  string `json:"log"`
		} `json:"result"`
		Error *struct {
			Message string `json:"message"`
			Data    string `json:"data"`
		} `json:"error"`
	}
	require.NoError(l.t, json.NewDecoder(resp.Body).Decode(&out))
	if out.Error != nil {
		return 1, out.Error.Message + ": " + out.Error.Data
	}
	return out.Result.Code, out.Result.Log
}

// allCommitting asserts every node's height grows by at least n within the timeout.
func (l *localnet) allCommitting(n int64, timeout time.Duration) {
	var start [4]int64
	for i := range start {
		start[i] = l.height(i)
	}
	l.eventually(timeout, func() bool {
		for i := range start {
			if l.height(i) < start[i]+n {
				return false
			}
		}
		return true
	}, "a node stopped committing")
}

// testMeteredEngines is issue 10 on the localnet: the 2^60 empty-gate expansion bomb, sent
// unsigned and fee-less straight to one node's RPC, is refused at once by signature
// verification (no engine work runs before it) and every node keeps committing; signed and
// with gas it is accepted by the mempool pre-check only as far as max_check_steps, then fails
// within its gas in the block; a 2^18-gate job runs in EndBlock under the cost it paid while
// blocks keep coming.
func testMeteredEngines(t *testing.T, l *localnet) {
	bomb := filepath.Join(l.root, "x", "quantumjob", "engine", "testdata", "adversarial", "expansion_bomb_empty.qasm")

	unsigned := l.mustCLI(0, "tx", "quantumjob", "submit", bomb, "--from", "faucet", "--generate-only",
		"--chain-id", chainID, "--keyring-backend", "test", "--gas", "2000000")
	file := filepath.Join(t.TempDir(), "bomb-unsigned.json")
	require.NoError(t, os.WriteFile(file, []byte(unsigned), 0o600))
	txB64 := strings.TrimSpace(l.mustCLI(0, "tx", "encode", file))
	start := time.Now()
	code, log := l.broadcastRaw(1, txB64)
	require.NotZero(t, code, log)
	require.Contains(t, log, "signature")
	require.Less(t, time.Since(start), 5*time.Second, "CheckTx must answer at once")
	l.allCommitting(3, 30*time.Second)

	start = time.Now()
	h0 := l.height(0)
	r := l.tx(0, "tx", "quantumjob", "submit", bomb, "--from", "faucet", "--gas", "2000000")
	require.NotZero(t, r.Code, "the bomb must fail")
	require.NotEqual(t, "0", r.Height, "past the pre-check (too big to check, paid for), it fails in its block: %s", r.RawLog)
	require.NotEmpty(t, r.Height)
	require.True(t, strings.Contains(r.RawLog, "budget") || strings.Contains(r.RawLog, "out of gas"), r.RawLog)
	require.Less(t, time.Since(start), 30*time.Second)
	l.allCommitting(3, 30*time.Second)
	require.Less(t, l.height(0)-h0, int64(40), "block time kept")

	// 2^18 self-cancelling x gates: planned, paid, run in EndBlock within its cost
	nested := filepath.Join(l.root, "x", "quantumjob", "engine", "testdata", "adversarial", "nested_x_2p18.qasm")
	r = l.tx(0, "tx", "quantumjob", "submit", nested, "--from", "faucet", "--gas", "30000000")
	require.Zero(t, r.Code, r.RawLog)
	var jobs struct {
		Jobs []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Cost   string `json:"cost"`
		} `json:"jobs"`
	}
	l.jsonCLI(0, &jobs, "query", "quantumjob", "jobs", l.addr(0, "faucet"))
	id := jobs.Jobs[len(jobs.Jobs)-1].ID
	var res struct {
		Result struct {
			Steps string `json:"steps"`
		} `json:"result"`
	}
	last, lastAt, maxGap := l.height(0), time.Now(), time.Duration(0)
	l.eventually(60*time.Second, func() bool {
		if h := l.height(0); h != last {
			maxGap = max(maxGap, time.Since(lastAt))
			last, lastAt = h, time.Now()
		}
		out, err := l.cli(0, "query", "quantumjob", "result", id, "--output", "json")
		return err == nil && json.Unmarshal([]byte(out), &res) == nil && res.Result.Steps != ""
	}, "job %s has no result", id)
	require.Less(t, maxGap, 5*time.Second, "EndBlock of the 2^18-gate job stays within a bound")
	l.allCommitting(2, 30*time.Second)
}
