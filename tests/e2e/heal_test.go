//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type e2eHealth struct {
	HostID     string `json:"host_id"`
	Health     string `json:"health"`
	Attested   string `json:"attested"`
	PhiMilli   string `json:"phi_milli"`
	Intervals  []int  `json:"intervals_ms"`
	DownPower  string `json:"down_power"`
	TotalPower string `json:"total_power"`
}

type e2eIncident struct {
	ID             string   `json:"id"`
	Kind           string   `json:"kind"`
	Subject        string   `json:"subject"`
	State          string   `json:"state"`
	VMs            []string `json:"vms"`
	OpenedMs       string   `json:"opened_ms"`
	RepairedMs     string   `json:"repaired_ms"`
	RepairedHeight string   `json:"repaired_height"`
	LastSeenMs     string   `json:"last_seen_ms"`
	Steps          []struct {
		Action, Target, Result string
	} `json:"steps"`
}

func (l *localnet) healHosts() map[string]e2eHealth {
	var res struct {
		Hosts []e2eHealth `json:"hosts"`
	}
	l.jsonCLI(0, &res, "query", "heal", "hosts")
	out := map[string]e2eHealth{}
	for _, h := range res.Hosts {
		for _, f := range []*string{&h.Health, &h.Attested} {
			if *f == "" {
				*f = "HEALTH_HEALTHY" // JSON leaves the zero enum out
			}
		}
		out[h.HostID] = h
	}
	return out
}

func (l *localnet) incidents() []e2eIncident {
	var res struct {
		Incidents []e2eIncident `json:"incidents"`
	}
	l.jsonCLI(0, &res, "query", "heal", "incidents")
	return res.Incidents
}

func num(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// control posts a failure injection to the host agent's control endpoint.
func control(t *testing.T, addr, body string) {
	resp, err := http.Post("http://"+addr+"/control", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
}

// makeLiar restarts node3 with its prober pointed at a dead address for host: it will attest
// that a healthy host is down.
func (l *localnet) makeLiar(t *testing.T, host string) {
	n := l.status()[3]
	require.NoError(t, syscall.Kill(n.PID, syscall.SIGTERM))
	l.eventually(30*time.Second, func() bool { return !l.status()[3].Running }, "node3 did not stop")
	path := filepath.Join(n.Home, "config", "app.toml")
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	lie := fmt.Sprintf(`endpoint-overrides = ["%s=http://127.0.0.1:1/hosts/%s/health"]`, host, host)
	out := bytes.Replace(bz, []byte("endpoint-overrides = []"), []byte(lie), 1)
	require.NotEqual(t, bz, out, "no endpoint-overrides line in %s", path)
	require.NoError(t, os.WriteFile(path, out, 0o600))
	msg, err := l.script("restart-node", "3")
	require.NoError(t, err, msg)
}

// testHeal: validators probe three hosts' agents; one validator lies about a healthy host; one
// host's agent stops answering: the incident opens, its VMs migrate where what-if said, the
// incident is repaired and, once the agent answers again, resolved and the host undrained.
func testHeal(t *testing.T, parent *localnet) {
	l := *parent
	l.t = t
	start := time.Now()
	healthAddr := "127.0.0.1:" + freePort(t)
	endpoint := "http://" + healthAddr
	l.makeLiar(t, "heal-b")

	const capacity = `{"cpu_millis":"8000","memory_mib":"16384","disk_gib":"200"}`
	labels := `{"key":"pool","value":"heal"}`
	for _, h := range [][]string{
		{"heal-a", "london", "51507400", "-127800"},
		{"heal-b", "london", "51507400", "-127800"},
		{"heal-c", "tokyo", "35676200", "139650300"},
	} {
		r := l.vmTx(1, "val1", "register-host", append(h, capacity), "--labels", labels, "--health-endpoint", endpoint)
		require.Zero(t, r.Code, r.RawLog)
	}
	l.startHostAgent(t, "--hosts", "heal-a,heal-b,heal-c", "--health-addr", healthAddr)
	owner := l.addr(0, "faucet")
	const cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
	r := l.vmTx(0, "faucet", "create-vm", []string{"svc", cid, `{"cpu_millis":"2000","memory_mib":"2048","disk_gib":"20"}`},
		"--replicas", "2", "--constraints", `{"anti_affinity_group":"svc","required_labels":[{"key":"pool","value":"heal"}]}`)
	require.Zero(t, r.Code, r.RawLog)
	l.eventually(40*time.Second, func() bool {
		vms := l.vmsOf(owner)
		return vms["svc-0"].State == "VM_STATE_RUNNING" && vms["svc-1"].State == "VM_STATE_RUNNING"
	}, "svc replicas did not run")
	// every host tracked and healthy with enough heartbeats for φ; the liar's vote alone does not count
	l.eventually(40*time.Second, func() bool {
		hs := l.healHosts()
		for _, id := range []string{"heal-a", "heal-b", "heal-c"} {
			if hs[id].Health != "HEALTH_HEALTHY" || len(hs[id].Intervals) < 3 {
				return false
			}
		}
		return num(hs["heal-b"].DownPower) > 0
	}, "hosts not tracked healthy, or the liar not heard")
	b := l.healHosts()["heal-b"]
	require.LessOrEqual(t, 3*num(b.DownPower), num(b.TotalPower), "one validator's lie is at most a third: %+v", b)
	require.Equal(t, "HEALTH_HEALTHY", b.Attested)

	vms := l.vmsOf(owner)
	failing := vms["svc-0"].Host
	var moving []string
	for name, v := range vms {
		if v.Host == failing {
			moving = append(moving, name)
		}
	}
	// what-if: where the failing host's VMs would go
	var whatIf struct {
		Moves []struct {
			VMID   string `json:"vm_id"`
			ToHost string `json:"to_host"`
		} `json:"moves"`
	}
	l.jsonCLI(0, &whatIf, "query", "heal", "what-if", "host:"+failing)
	require.NotEmpty(t, whatIf.Moves)
	predicted := map[string]string{}
	for _, m := range whatIf.Moves {
		require.NotEmpty(t, m.ToHost, "what-if could not place vm %s", m.VMID)
		predicted[m.VMID] = m.ToHost
	}

	// the fault: the agent of the failing host stops answering
	control(t, healthAddr, fmt.Sprintf(`{"mode":"silent","host_id":%q}`, failing))
	injected := time.Now()
	var inc e2eIncident
	l.eventually(30*time.Second, func() bool {
		for _, i := range l.incidents() {
			if i.Kind == "INCIDENT_KIND_HOST_DOWN" && i.Subject == failing && i.State != "INCIDENT_STATE_RESOLVED" {
				inc = i
				return true
			}
		}
		return false
	}, "no host-down incident for %s", failing)
	detected := time.Since(injected)
	// its VMs migrate (x/heal evacuated the host) and run elsewhere, where what-if said
	l.eventually(60*time.Second, func() bool {
		now := l.vmsOf(owner)
		for _, name := range moving {
			if v := now[name]; v.Host == failing || v.State != "VM_STATE_RUNNING" {
				return false
			}
		}
		return true
	}, "VMs of %s (%v) did not run elsewhere", failing, moving)
	running := time.Since(injected)
	now := l.vmsOf(owner)
	for _, name := range moving {
		require.Equal(t, predicted[now[name].ID], now[name].Host, "what-if predicted %s for %s", predicted[now[name].ID], name)
	}
	l.eventually(30*time.Second, func() bool {
		var res struct {
			Incident e2eIncident `json:"incident"`
		}
		l.jsonCLI(0, &res, "query", "heal", "incident", inc.ID)
		inc = res.Incident
		return num(inc.RepairedHeight) > 0
	}, "incident %s not repaired", inc.ID)
	mttd := num(inc.OpenedMs) - num(inc.LastSeenMs)
	mttr := num(inc.RepairedMs) - num(inc.OpenedMs)
	t.Logf("heal: fault → incident %s open after %s (wall); chain MTTD %d ms (last heartbeat → open); VMs running elsewhere after %s (wall); chain MTTR %d ms",
		inc.ID, detected.Round(10*time.Millisecond), mttd, running.Round(10*time.Millisecond), mttr)
	require.Less(t, detected, 10*time.Second, "MTTD target")
	require.Less(t, mttr, int64(60_000), "MTTR target")
	require.NotEmpty(t, inc.Steps)
	require.Equal(t, "evacuate-host", inc.Steps[0].Action, "%+v", inc.Steps)

	// the agent answers again: resolved, the host undrained by x/heal
	control(t, healthAddr, fmt.Sprintf(`{"mode":"ok","host_id":%q}`, failing))
	l.eventually(30*time.Second, func() bool {
		var res struct {
			Incident e2eIncident `json:"incident"`
		}
		l.jsonCLI(0, &res, "query", "heal", "incident", inc.ID)
		return res.Incident.State == "INCIDENT_STATE_RESOLVED" && l.hosts()[failing].Status == "HOST_STATUS_ACTIVE"
	}, "incident %s not resolved or %s not undrained", inc.ID, failing)
	require.Equal(t, "HEALTH_HEALTHY", l.healHosts()["heal-b"].Health, "the liar changed nothing")
	for _, i := range l.incidents() {
		require.NotEqual(t, "heal-b", i.Subject, "an incident for the host only the liar calls down: %+v", i)
	}
	testCanaryRollback(t, &l, healthAddr, owner, cid)
	stats := l.mustCLI(0, "query", "heal", "stats")
	t.Logf("heal stats: %s", strings.Join(strings.Fields(stats), " "))
	t.Logf("heal subtest took %s", time.Since(start).Round(100*time.Millisecond))
}

type e2eRollout struct {
	ID     string `json:"id"`
	State  string `json:"state"`
	Reason string `json:"reason"`
	VMs    []struct {
		VMID     string `json:"vm_id"`
		State    string `json:"state"`
		Previous string `json:"previous_image_cid"`
	} `json:"vms"`
	Steps []struct {
		Action, Target, Result string
	} `json:"steps"`
}

// testCanaryRollback: a rollout of svc to an image the host agent fails every boot of
// (POST /control fail_image): the canary (one replica of two) fails inside the window and the
// rollout rolls it back to the image it had; the other replica is never touched.
func testCanaryRollback(t *testing.T, l *localnet, healthAddr, owner, image string) {
	const bad = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
	control(t, healthAddr, fmt.Sprintf(`{"fail_image":%q}`, bad))
	l.eventually(40*time.Second, func() bool {
		vms := l.vmsOf(owner)
		return vms["svc-0"].State == "VM_STATE_RUNNING" && vms["svc-1"].State == "VM_STATE_RUNNING"
	}, "svc replicas not running before the rollout")
	group := l.vmsOf(owner)["svc-0"].ID
	started := time.Now()
	r := l.moduleTx(0, "heal", "faucet", "start-rollout", []string{bad}, "--group", group, "--canary-percent", "50",
		"--batch-percent", "100", "--window-blocks", "8", "--max-failure-percent", "0")
	require.Zero(t, r.Code, r.RawLog)
	var list struct {
		Rollouts []e2eRollout `json:"rollouts"`
	}
	l.jsonCLI(0, &list, "query", "heal", "rollouts", "--owner", owner)
	require.NotEmpty(t, list.Rollouts)
	id := list.Rollouts[0].ID
	var ro e2eRollout
	l.eventually(60*time.Second, func() bool {
		var res struct {
			Rollout e2eRollout `json:"rollout"`
		}
		l.jsonCLI(0, &res, "query", "heal", "rollout", id)
		ro = res.Rollout
		return ro.State == "ROLLOUT_STATE_ROLLED_BACK" || ro.State == "ROLLOUT_STATE_DONE"
	}, "rollout %s did not finish", id)
	require.Equal(t, "ROLLOUT_STATE_ROLLED_BACK", ro.State, "%+v", ro)
	require.Contains(t, ro.Reason, "1 of 1 VMs failed")
	var reverted, untouched int
	for _, v := range ro.VMs {
		require.Equal(t, image, v.Previous)
		switch v.State {
		case "ROLLOUT_VM_STATE_REVERTED":
			reverted++
		case "", "ROLLOUT_VM_STATE_PENDING": // (JSON leaves the zero enum out)
			untouched++
		}
	}
	require.Equal(t, 1, reverted, "%+v", ro.VMs)
	require.Equal(t, 1, untouched, "%+v", ro.VMs)
	rolledBack := time.Since(started)
	l.eventually(40*time.Second, func() bool {
		vms := l.vmsOf(owner)
		for _, name := range []string{"svc-0", "svc-1"} {
			if vms[name].State != "VM_STATE_RUNNING" || vms[name].Image != image {
				return false
			}
		}
		return true
	}, "svc not running on %s again after the rollback", image)
	t.Logf("canary rollout %s to a failing image: rolled back %s after the tx, both replicas running on the previous image after %s",
		id, rolledBack.Round(10*time.Millisecond), time.Since(started).Round(10*time.Millisecond))
}
