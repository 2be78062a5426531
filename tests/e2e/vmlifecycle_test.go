//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type e2eVM struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	State string `json:"state"`
	Host  string `json:"host_id"`
}

type e2eHost struct {
	ID      string `json:"id"`
	Region  string `json:"region"`
	Status  string `json:"status"`
	VMCount string `json:"vm_count"`
}

// run is cli without the trailing --home: args are passed as given (so that "--" can end the
// flags before negative positional numbers).
func (l *localnet) run(args ...string) (string, error) {
	cmd := exec.Command(l.bin, args...)
	cmd.Env = l.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("novacrond %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// vmTx sends `tx vmlifecycle <sub> [flags] -- <pos>` from key on node i and waits for the commit.
// A sequence mismatch (the host agent signs with the same operator key) is retried.
func (l *localnet) vmTx(i int, key, sub string, pos []string, flags ...string) txResp {
	home := l.status()[i].Home
	args := append([]string{"tx", "vmlifecycle", sub, "--from", key, "--home", home, "--chain-id", chainID,
		"--keyring-backend", "test", "--yes", "--output", "json", "--gas", "400000"}, flags...)
	args = append(append(args, "--"), pos...)
	for attempt := 0; ; attempt++ {
		out, err := l.run(args...)
		var r txResp
		if err == nil {
			require.NoError(l.t, json.Unmarshal([]byte(out), &r), out)
		}
		if (err != nil && strings.Contains(err.Error(), "sequence mismatch")) || (err == nil && r.Code == 32) {
			require.Less(l.t, attempt, 10, "sequence mismatch 10 times: %v %s", err, r.RawLog)
			time.Sleep(700 * time.Millisecond)
			continue
		}
		require.NoError(l.t, err)
		if r.Code != 0 {
			return r
		}
		return l.waitTx(i, r.TxHash)
	}
}

func (l *localnet) vmsOf(owner string) map[string]e2eVM {
	var res struct {
		VMs []e2eVM `json:"vms"`
	}
	l.jsonCLI(0, &res, "query", "vmlifecycle", "vms", owner)
	out := map[string]e2eVM{}
	for _, v := range res.VMs {
		out[v.Name] = v
	}
	return out
}

func (l *localnet) hosts() map[string]e2eHost {
	var res struct {
		Hosts []e2eHost `json:"hosts"`
	}
	l.jsonCLI(0, &res, "query", "vmlifecycle", "hosts")
	out := map[string]e2eHost{}
	for _, h := range res.Hosts {
		out[h.ID] = h
	}
	return out
}

// startHostAgent runs `novacrond host-agent` for val1 (node1's key) as a background process; the
// cleanup sends SIGTERM and requires a clean exit.
func (l *localnet) startHostAgent(t *testing.T, extra ...string) (logPath string) {
	home := l.status()[1].Home
	logPath = filepath.Join(t.TempDir(), "host-agent.log")
	f, err := os.Create(logPath)
	require.NoError(t, err)
	args := append([]string{"host-agent", "--from", "val1", "--home", home, "--keyring-backend", "test",
		"--chain-id", chainID, "--boot-delay", "1s", "--stop-delay", "200ms", "--poll-interval", "300ms"}, extra...)
	cmd := exec.Command(l.bin, args...)
	cmd.Env = l.env
	cmd.Stdout, cmd.Stderr = f, f
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); f.Close() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-done:
			bz, _ := os.ReadFile(logPath)
			if err != nil {
				t.Errorf("host agent exited with %v:\n%s", err, bz)
			} else if !strings.Contains(string(bz), "host agent stopped") {
				t.Errorf("host agent did not log a clean stop:\n%s", bz)
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("host agent did not stop within 15s of SIGTERM")
		}
	})
	return logPath
}

func testVMLifecycle(t *testing.T, parent *localnet) {
	l := *parent
	l.t = t
	start := time.Now()
	const capacity = `{"cpu_millis":"8000","memory_mib":"16384","disk_gib":"200"}`
	// Three hosts of val1 (an allowlisted operator) in regions of x/orbit's list.
	for _, h := range [][]string{
		{"ldn-1", "london", "51507400", "-127800"},
		{"nyc-1", "new-york-newark", "40735700", "-74172400"},
		{"tky-1", "tokyo", "35676200", "139650300"},
	} {
		r := l.vmTx(1, "val1", "register-host", append(h, capacity))
		require.Zero(t, r.Code, r.RawLog)
	}
	hosts := l.hosts()
	for _, id := range []string{"ldn-1", "nyc-1", "tky-1"} {
		require.Equal(t, "HOST_STATUS_ACTIVE", hosts[id].Status, id)
	}
	// The host agent of val1: VM 3 ("flaky") fails its first boot.
	agentLog := l.startHostAgent(t, "--fail-vm", "3")

	owner := l.addr(0, "faucet")
	const cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
	res := `{"cpu_millis":"2000","memory_mib":"2048","disk_gib":"20"}`
	// Two web replicas, never on the same host; a database only in London or Tokyo.
	r := l.vmTx(0, "faucet", "create-vm", []string{"web", cid, res}, "--replicas", "2",
		"--constraints", `{"anti_affinity_group":"web"}`)
	require.Zero(t, r.Code, r.RawLog)
	r = l.vmTx(0, "faucet", "create-vm", []string{"flaky", cid, res})
	require.Zero(t, r.Code, r.RawLog)
	r = l.vmTx(0, "faucet", "create-vm", []string{"db", cid, res},
		"--constraints", `{"allowed_regions":["london","tokyo"],"anti_affinity_group":"db"}`)
	require.Zero(t, r.Code, r.RawLog)

	vms := l.vmsOf(owner)
	require.Len(t, vms, 4)
	require.Equal(t, "3", vms["flaky"].ID)
	require.NotEqual(t, vms["web-0"].Host, vms["web-1"].Host, "anti-affinity")
	require.Contains(t, []string{"ldn-1", "tky-1"}, vms["db"].Host, "allowed regions")
	for name, v := range vms {
		require.NotEmpty(t, v.Host, "%s placed", name)
	}

	// The scheduler explains itself, in words and in JSON.
	words := l.mustCLI(0, "query", "vmlifecycle", "explain", vms["db"].ID)
	require.Contains(t, words, fmt.Sprintf("Host %s", vms["db"].Host))
	require.Contains(t, words, "WON")
	require.Contains(t, words, "Region london")
	var ex struct {
		Explanation struct {
			WinnerHostID string `json:"winner_host_id"`
			Candidates   []struct {
				HostID string `json:"host_id"`
			} `json:"candidates"`
		} `json:"explanation"`
	}
	out := l.mustCLI(0, "query", "vmlifecycle", "explain", vms["web-1"].ID, "--json", "--output", "json")
	require.NoError(t, json.Unmarshal([]byte(out), &ex), out)
	require.Equal(t, vms["web-1"].Host, ex.Explanation.WinnerHostID)
	require.NotEmpty(t, ex.Explanation.Candidates)

	// The agent boots them: RUNNING, except flaky (FAILED); restarting flaky makes it RUNNING.
	l.eventually(30*time.Second, func() bool {
		vms = l.vmsOf(owner)
		return vms["web-0"].State == "VM_STATE_RUNNING" && vms["web-1"].State == "VM_STATE_RUNNING" &&
			vms["db"].State == "VM_STATE_RUNNING" && vms["flaky"].State == "VM_STATE_FAILED"
	}, "agent did not report: %v", vms)
	require.Zero(t, l.vmTx(0, "faucet", "start-vm", []string{vms["flaky"].ID}).Code)
	l.eventually(20*time.Second, func() bool { return l.vmsOf(owner)["flaky"].State == "VM_STATE_RUNNING" }, "flaky not restarted")

	// A stop request: the agent shuts the VM down and reports STOPPED.
	require.Zero(t, l.vmTx(0, "faucet", "stop-vm", []string{vms["web-1"].ID}).Code)
	l.eventually(20*time.Second, func() bool { return l.vmsOf(owner)["web-1"].State == "VM_STATE_STOPPED" }, "web-1 not stopped")

	// Drain the database's host: its VMs migrate in EndBlock and the agent reports them running there.
	drained := vms["db"].Host
	before := l.vmsOf(owner)
	var moving []string
	for name, v := range before {
		if v.Host == drained {
			moving = append(moving, name)
		}
	}
	require.Zero(t, l.vmTx(1, "val1", "drain-host", []string{drained}).Code)
	l.eventually(30*time.Second, func() bool {
		now := l.vmsOf(owner)
		for _, name := range moving {
			v := now[name]
			want := "VM_STATE_RUNNING"
			if before[name].State == "VM_STATE_STOPPED" {
				want = "VM_STATE_STOPPED"
			}
			if v.Host == drained || v.Host == "" || v.State != want {
				return false
			}
		}
		c := l.hosts()[drained].VMCount
		return c == "" || c == "0"
	}, "VMs of %s (%v) did not migrate and run", drained, moving)
	after := l.vmsOf(owner)
	require.Contains(t, []string{"ldn-1", "tky-1"}, after["db"].Host)
	require.NotEqual(t, after["web-0"].Host, after["web-1"].Host, "anti-affinity survives the drain")

	// The audit log of the database shows the move and the agent's reports.
	var audit struct {
		Entries []struct {
			NewState   string `json:"new_state"`
			PrevHostID string `json:"prev_host_id"`
			Actor      string `json:"actor"`
		} `json:"entries"`
	}
	l.jsonCLI(0, &audit, "query", "vmlifecycle", "audit-vm", after["db"].ID)
	var migrated, reported bool
	for _, e := range audit.Entries {
		migrated = migrated || (e.NewState == "VM_STATE_MIGRATING" && e.PrevHostID == drained)
		reported = reported || e.NewState == "VM_STATE_RUNNING"
	}
	require.True(t, migrated, "audit: %+v", audit.Entries)
	require.True(t, reported)
	// The drained, empty host can be deregistered.
	require.Zero(t, l.vmTx(1, "val1", "deregister-host", []string{drained}).Code)

	bz, _ := os.ReadFile(agentLog)
	require.Contains(t, string(bz), "reported")
	t.Logf("vmlifecycle subtest took %s", time.Since(start).Round(100*time.Millisecond))
}
