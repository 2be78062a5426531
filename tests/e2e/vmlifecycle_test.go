//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
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
	Image string `json:"image_cid"`
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
	return l.moduleTx(i, "vmlifecycle", key, sub, pos, flags...)
}

// moduleTx sends `tx <module> <sub>` from key on node i and waits for it to commit (retrying
// on account sequence mismatches).
func (l *localnet) moduleTx(i int, module, key, sub string, pos []string, flags ...string) txResp {
	home := l.status()[i].Home
	args := append([]string{"tx", module, sub, "--from", key, "--home", home, "--chain-id", chainID,
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

// hostAgent is a `novacrond host-agent` process started by startHostAgent.
type hostAgent struct {
	log  string
	stop func() // SIGTERM, then require a clean exit; idempotent
}

// startHostAgent runs `novacrond host-agent` for val1 (node1's key) as a background process; stop (also
// run at cleanup) sends SIGTERM and requires a clean exit.
func (l *localnet) startHostAgent(t *testing.T, extra ...string) *hostAgent {
	home := l.status()[1].Home
	f, err := os.CreateTemp(t.TempDir(), "host-agent-*.log")
	require.NoError(t, err)
	logPath := f.Name()
	args := append([]string{"host-agent", "--from", "val1", "--home", home, "--keyring-backend", "test",
		"--chain-id", chainID, "--boot-delay", "1s", "--stop-delay", "200ms", "--poll-interval", "300ms"}, extra...)
	cmd := exec.Command(l.bin, args...)
	cmd.Env = l.env
	cmd.Stdout, cmd.Stderr = f, f
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); f.Close() }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
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
	}
	t.Cleanup(stop)
	return &hostAgent{log: logPath, stop: stop}
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
	agent := l.startHostAgent(t, "--fail-vm", "3")

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
	out := l.mustCLI(0, "query", "vmlifecycle", "explain", vms["web-1"].ID, "--json") // JSON without --output json
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
	// Every running VM, whatever its owner, through the paginated list (the state filter).
	var running struct {
		VMs []e2eVM `json:"vms"`
	}
	l.jsonCLI(0, &running, "query", "vmlifecycle", "vms", "--state", "running")
	names := map[string]bool{}
	for _, v := range running.VMs {
		require.Equal(t, "VM_STATE_RUNNING", v.State)
		names[v.Name] = true
	}
	require.True(t, names["db"] && names["web-0"], "running: %+v", running.VMs)
	require.False(t, names["web-1"], "web-1 is stopped")

	// Undrain brings the host back as ACTIVE; drained again it stays empty.
	require.Equal(t, "HOST_STATUS_DRAINING", l.hosts()[drained].Status)
	require.Zero(t, l.vmTx(1, "val1", "undrain-host", []string{drained}, "--reason", "maintenance done").Code)
	require.Equal(t, "HOST_STATUS_ACTIVE", l.hosts()[drained].Status)
	require.Zero(t, l.vmTx(1, "val1", "drain-host", []string{drained}).Code)
	// The drained, empty host can be deregistered.
	require.Zero(t, l.vmTx(1, "val1", "deregister-host", []string{drained}).Code)

	bz, _ := os.ReadFile(agent.log)
	require.Contains(t, string(bz), "reported")
	t.Logf("vmlifecycle hosts/placements/drain took %s", time.Since(start).Round(100*time.Millisecond))

	// Governance of operations, from the CLI: time-locks, 2-of-3 approvals, a restart-on-failure rule.
	testVMGovernance(t, &l, owner, agent)
	t.Logf("vmlifecycle subtest took %s", time.Since(start).Round(100*time.Millisecond))
}

type e2eOp struct {
	ID             string   `json:"id"`
	Status         string   `json:"status"`
	AtHeight       string   `json:"at_height"`
	Approvals      []string `json:"approvals"`
	Threshold      int      `json:"threshold"`
	Error          string   `json:"error"`
	FinishedHeight string   `json:"finished_height"`
}

type e2eAudit struct {
	Height    string `json:"height"`
	Actor     string `json:"actor"`
	Reason    string `json:"reason"`
	PrevState string `json:"prev_state"`
	NewState  string `json:"new_state"`
}

func (l *localnet) op(id string) e2eOp {
	var res struct {
		Operation e2eOp `json:"operation"`
	}
	l.jsonCLI(0, &res, "query", "vmlifecycle", "operation", id)
	return res.Operation
}

// vmOps lists a VM's operations with the given status ("" for all).
func (l *localnet) vmOps(vmID, status string) []e2eOp {
	var res struct {
		Operations []e2eOp `json:"operations"`
	}
	args := []string{"query", "vmlifecycle", "vm-operations", vmID}
	if status != "" {
		args = append(args, "--status", status)
	}
	l.jsonCLI(0, &res, args...)
	return res.Operations
}

func (l *localnet) auditVM(vmID string) []e2eAudit {
	var res struct {
		Entries []e2eAudit `json:"entries"`
	}
	l.jsonCLI(0, &res, "query", "vmlifecycle", "audit-vm", vmID)
	return res.Entries
}

func (l *localnet) vmState(owner, name string) string { return l.vmsOf(owner)[name].State }

// testVMGovernance runs, from the CLI on the localnet left by testVMLifecycle (hosts of val1, the
// agent running, VMs web-0, db and flaky RUNNING): a time-locked stop at a height and a cancelled
// one, a 2-of-3 approval for a delete, and a rule that restarts a VM when the agent reports it FAILED.
func testVMGovernance(t *testing.T, l *localnet, owner string, agent *hostAgent) {
	start := time.Now()
	const cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
	const small = `{"cpu_millis":"500","memory_mib":"512","disk_gib":"5"}`
	vms := l.vmsOf(owner)
	flaky, db := vms["flaky"], vms["db"]
	require.Equal(t, "VM_STATE_RUNNING", flaky.State)
	require.Equal(t, "VM_STATE_RUNNING", db.State)

	// (b) Time-locks: stop flaky at height h+5; a stop of db at h+8 is cancelled before it is due.
	// Their checks come after the approvals, which run while the chain reaches these heights.
	h := l.height(0)
	dueA, dueB := h+5, h+8
	require.Zero(t, l.vmTx(0, "faucet", "stop-vm", []string{flaky.ID}, "--at-height", fmt.Sprint(dueA)).Code)
	queued := l.vmOps(flaky.ID, "queued")
	require.Len(t, queued, 1)
	opA := queued[0]
	require.Equal(t, fmt.Sprint(dueA), opA.AtHeight)
	require.Equal(t, "VM_STATE_RUNNING", l.vmState(owner, "flaky"), "a time-locked stop does nothing before it is due")
	require.Zero(t, l.vmTx(0, "faucet", "stop-vm", []string{db.ID}, "--at-height", fmt.Sprint(dueB)).Code)
	queued = l.vmOps(db.ID, "queued")
	require.Len(t, queued, 1)
	opB := queued[0]
	require.Less(t, l.height(0), dueB)
	r := l.vmTx(0, "faucet", "cancel-operation", []string{opB.ID})
	require.Zero(t, r.Code, r.RawLog)
	require.Equal(t, "OPERATION_STATUS_CANCELLED", l.op(opB.ID).Status)

	// (a) A 2-of-3 approval policy on a new VM: the owner's delete waits for two approvers.
	kr := []string{"--keyring-backend", "test"}
	var approvers []string
	for _, k := range []string{"appr1", "appr2", "appr3"} {
		l.mustCLI(0, append([]string{"keys", "add", k}, kr...)...)
		approvers = append(approvers, l.addr(0, k))
	}
	r = l.tx(0, append([]string{"tx", "bank", "multi-send", "faucet"}, append(approvers, "1000000unova")...)...)
	require.Zero(t, r.Code, r.RawLog)
	r = l.vmTx(0, "faucet", "create-vm", []string{"guarded", cid, small})
	require.Zero(t, r.Code, r.RawLog)
	guarded := l.vmsOf(owner)["guarded"]
	require.NotEmpty(t, guarded.Host)
	sorted := slices.Sorted(slices.Values(approvers)) // the policy takes them in canonical (sorted) order
	r = l.vmTx(0, "faucet", "set-approval-policy", append([]string{guarded.ID, "2"}, sorted...), "--ttl-blocks", "100")
	require.Zero(t, r.Code, r.RawLog)
	r = l.vmTx(0, "faucet", "delete-vm", []string{guarded.ID})
	require.Zero(t, r.Code, r.RawLog)
	pending := l.vmOps(guarded.ID, "awaiting-approval")
	require.Len(t, pending, 1, "the delete must become a proposal")
	prop := pending[0].ID
	require.NotEqual(t, "VM_STATE_DELETED", l.vmState(owner, "guarded"))
	r = l.vmTx(0, "appr1", "approve-operation", []string{prop})
	require.Zero(t, r.Code, r.RawLog)
	o := l.op(prop)
	require.Equal(t, "OPERATION_STATUS_AWAITING_APPROVAL", o.Status)
	require.Len(t, o.Approvals, 1)
	require.NotEqual(t, "VM_STATE_DELETED", l.vmState(owner, "guarded"), "one approval of two must not delete")
	r = l.vmTx(0, "appr1", "approve-operation", []string{prop}) // twice by the same approver: refused
	require.NotZero(t, r.Code)
	require.Contains(t, r.RawLog, "already approved")
	r = l.vmTx(0, "appr3", "approve-operation", []string{prop})
	require.Zero(t, r.Code, r.RawLog)
	require.Equal(t, "OPERATION_STATUS_EXECUTED", l.op(prop).Status)
	require.Equal(t, "VM_STATE_DELETED", l.vmState(owner, "guarded"))
	audit := l.auditVM(guarded.ID)
	last := audit[len(audit)-1]
	require.Equal(t, "VM_STATE_DELETED", last.NewState)
	require.Equal(t, owner, last.Actor)
	require.Contains(t, last.Reason, "operation "+prop, "audit: %+v", last)
	t.Logf("2-of-3 approval for a delete: done at %s", time.Since(start).Round(100*time.Millisecond))

	// (b) continued: flaky was stopped by EndBlock of height dueA (not before) and the agent acked it.
	l.eventually(30*time.Second, func() bool { return l.vmState(owner, "flaky") == "VM_STATE_STOPPED" }, "flaky not stopped by the time-lock")
	o = l.op(opA.ID)
	require.Equal(t, "OPERATION_STATUS_EXECUTED", o.Status)
	require.Equal(t, fmt.Sprint(dueA), o.FinishedHeight)
	var stopping, stopped *e2eAudit
	flakyAudit := l.auditVM(flaky.ID)
	for i, e := range flakyAudit {
		switch e.NewState {
		case "VM_STATE_STOPPING":
			stopping = &flakyAudit[i]
		case "VM_STATE_STOPPED":
			stopped = &flakyAudit[i]
		}
	}
	require.NotNil(t, stopping)
	require.NotNil(t, stopped, "the agent did not report STOPPED")
	require.Equal(t, fmt.Sprint(dueA), stopping.Height, "RUNNING until the due height")
	require.Equal(t, "stop (operation "+opA.ID+")", stopping.Reason)
	// the cancelled stop never runs
	l.eventually(30*time.Second, func() bool { return l.height(0) > dueB }, "height %d not reached", dueB)
	require.Equal(t, "VM_STATE_RUNNING", l.vmState(owner, "db"))
	require.Equal(t, "OPERATION_STATUS_CANCELLED", l.op(opB.ID).Status)
	for _, e := range l.auditVM(db.ID) {
		require.NotEqual(t, "VM_STATE_STOPPING", e.NewState, "cancelled stop ran: %+v", e)
	}
	t.Logf("time-locked stop and cancel: done at %s", time.Since(start).Round(100*time.Millisecond))

	// (c) A rule restarts a VM when it fails. The agent is restarted to fail the first boot of the
	// next VM; the rule is in place before the agent boots it.
	agent.stop()
	r = l.vmTx(0, "faucet", "create-vm", []string{"phoenix", cid, small})
	require.Zero(t, r.Code, r.RawLog)
	phoenix := l.vmsOf(owner)["phoenix"]
	require.Equal(t, "VM_STATE_SCHEDULED", phoenix.State)
	r = l.vmTx(0, "faucet", "create-rule", []string{
		fmt.Sprintf(`{"kind":"TRIGGER_KIND_VM_STATE","vm_id":"%s","state":"VM_STATE_FAILED"}`, phoenix.ID),
		`{"kind":"OP_KIND_START"}`, phoenix.ID})
	require.Zero(t, r.Code, r.RawLog)
	var rules struct {
		Rules []struct {
			ID        string `json:"id"`
			FireCount string `json:"fire_count"`
		} `json:"rules"`
	}
	l.jsonCLI(0, &rules, "query", "vmlifecycle", "rules", owner)
	require.Len(t, rules.Rules, 1)
	ruleID := rules.Rules[0].ID
	agent2 := l.startHostAgent(t, "--fail-vm", phoenix.ID)
	var entries []e2eAudit
	l.eventually(40*time.Second, func() bool {
		if l.vmState(owner, "phoenix") != "VM_STATE_RUNNING" {
			return false
		}
		entries = l.auditVM(phoenix.ID)
		return len(entries) > 0 && entries[len(entries)-1].NewState == "VM_STATE_RUNNING"
	}, "phoenix not restarted by the rule")
	// PENDING → SCHEDULED (placed) → FAILED (agent) → SCHEDULED (the rule, no start-vm) → RUNNING (agent)
	var seq []string
	var restart *e2eAudit
	for i, e := range entries {
		seq = append(seq, strings.TrimPrefix(e.NewState, "VM_STATE_"))
		if e.PrevState == "VM_STATE_FAILED" && e.NewState == "VM_STATE_SCHEDULED" {
			restart = &entries[i]
		}
	}
	require.Equal(t, []string{"PENDING", "SCHEDULED", "FAILED", "SCHEDULED", "RUNNING"}, seq, "audit: %+v", entries)
	require.NotNil(t, restart)
	require.Equal(t, owner, restart.Actor)
	require.Contains(t, restart.Reason, "rule "+ruleID, "the audit names the rule: %+v", restart)
	l.jsonCLI(0, &rules, "query", "vmlifecycle", "rules", owner)
	require.Equal(t, "1", rules.Rules[0].FireCount)
	bz, _ := os.ReadFile(agent2.log)
	require.Contains(t, string(bz), "injected failure")
	t.Logf("restart-on-failure rule: done at %s", time.Since(start).Round(100*time.Millisecond))
}
