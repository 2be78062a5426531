package hostagent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/*.golden")

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func rvm(id uint64, host string, st types.VMState, updated int64, cpu, mem uint64) types.VM {
	return types.VM{Id: id, HostId: host, State: st, UpdatedHeight: updated,
		Resources: types.Resources{CpuMillis: cpu, MemoryMib: mem, DiskGib: 10}}
}

// fixtureServer: h1 with VMs 3 (booting), 7 (running), 9 (failed), 12 (stopping), 15 (stopped)
// in a scrambled order, and h2 without VMs.
func fixtureServer(cfg HealthConfig, now func() time.Time) *HealthServer {
	s := newHealthServer(cfg, nopLog{}, now)
	vms := []types.VM{
		rvm(12, "h1", types.VM_STATE_STOPPING, 20, 2000, 4096),
		rvm(7, "h1", types.VM_STATE_RUNNING, 11, 1000, 1536),
		rvm(3, "h1", types.VM_STATE_SCHEDULED, 19, 500, 512),
		rvm(9, "h1", types.VM_STATE_FAILED, 18, 4000, 8192),
		rvm(15, "h1", types.VM_STATE_STOPPED, 17, 100, 128),
		rvm(21, "h1", types.VM_STATE_PENDING, 2, 100, 128), // no instance: not listed
	}
	inst := []Instance{
		{VMID: 3, HostID: "h1", Phase: PhaseBooting},
		{VMID: 7, HostID: "h1", Phase: PhaseRunning},
		{VMID: 9, HostID: "h1", Phase: PhaseFailed},
		{VMID: 12, HostID: "h1", Phase: PhaseStopping},
		{VMID: 15, HostID: "h1", Phase: PhaseStopped},
	}
	s.Update([]string{"h1", "h2"}, vms, inst)
	return s
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func control(t *testing.T, h http.Handler, body string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/control", strings.NewReader(body))
	req.RemoteAddr = "127.0.0.1:40000"
	h.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, b []byte) HealthReport {
	t.Helper()
	var r HealthReport
	require.NoError(t, json.Unmarshal(b, &r), string(b))
	return r
}

func TestHealthJSONGolden(t *testing.T) {
	c := &clock{t: time.UnixMilli(1_700_000_000_123)}
	s := fixtureServer(HealthConfig{}, c.now)
	h := s.Handler()
	var got bytes.Buffer
	for _, host := range []string{"h1", "h2"} {
		rec := get(t, h, "/hosts/"+host+"/health")
		require.Equal(t, http.StatusOK, rec.Code)
		require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		require.NotContains(t, rec.Body.String(), "\n", "one line, no trailing newline")
		got.Write(rec.Body.Bytes())
		got.WriteByte('\n')
	}
	golden := filepath.Join("testdata", "health.golden")
	if *updateGolden {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, got.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.Equal(t, string(want), got.String())

	// the contract, independently of the golden file
	r := decode(t, bytes.SplitN(got.Bytes(), []byte("\n"), 2)[0])
	require.Equal(t, "h1", r.HostID)
	require.Equal(t, uint64(1_700_000_000_123), r.Seq, "seq starts at the unix time in ms")
	var ids []uint64
	states := map[uint64]string{}
	for _, v := range r.VMs {
		ids = append(ids, v.ID)
		states[v.ID] = v.State
		if v.State != HealthRunning {
			require.Zero(t, v.CPUMilli+v.MemMiB, "no utilisation unless running")
		}
	}
	require.Equal(t, []uint64{3, 7, 9, 12, 15}, ids, "ascending by id; PENDING not listed")
	require.Equal(t, map[uint64]string{3: "stopped", 7: "running", 9: "crashed", 12: "running", 15: "stopped"}, states)
	cpu, mem := Utilisation(7, types.Resources{CpuMillis: 1000, MemoryMib: 1536}, r.Seq)
	require.Equal(t, cpu, r.VMs[1].CPUMilli)
	require.Equal(t, mem, r.VMs[1].MemMiB)
	require.Equal(t, `{"host_id":"h2","seq":1700000000123,"vms":[]}`, strings.Split(got.String(), "\n")[1], "no VMs: an empty list, not null")
}

func TestUtilisationBoundedAndDeterministic(t *testing.T) {
	r := types.Resources{CpuMillis: 2000, MemoryMib: 4096}
	seenCPU := map[uint64]bool{}
	for seq := uint64(1); seq < 5000; seq++ {
		cpu, mem := Utilisation(42, r, seq)
		require.GreaterOrEqual(t, cpu, uint64(800))
		require.LessOrEqual(t, cpu, uint64(1200))
		require.GreaterOrEqual(t, mem, uint64(2662)) // 65 % of 4096, rounded down
		require.LessOrEqual(t, mem, uint64(3072))
		c2, m2 := Utilisation(42, r, seq)
		require.Equal(t, [2]uint64{cpu, mem}, [2]uint64{c2, m2})
		seenCPU[cpu] = true
	}
	require.Len(t, seenCPU, 21, "every share 40..60 % occurs")
	// huge requests do not overflow
	cpu, mem := Utilisation(1, types.Resources{CpuMillis: 1 << 63, MemoryMib: 1<<64 - 1}, 9)
	require.Positive(t, cpu)
	require.Positive(t, mem)
}

func TestHealthUnknownHost404(t *testing.T) {
	s := newHealthServer(HealthConfig{}, nopLog{}, time.Now)
	h := s.Handler()
	rec := get(t, h, "/hosts/h1/health")
	require.Equal(t, http.StatusNotFound, rec.Code, "no hosts before the first step")
	s = fixtureServer(HealthConfig{}, time.Now)
	h = s.Handler()
	rec = get(t, h, "/hosts/h9/health")
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	require.JSONEq(t, `{"error":"unknown host \"h9\""}`, rec.Body.String())
	require.Equal(t, http.StatusNotFound, get(t, h, "/hosts/h1").Code)
	require.Equal(t, http.StatusNotFound, get(t, h, "/").Code)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/hosts/h1/health", nil))
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	// a host that leaves the agent's hosts is 404 from then on
	s.Update([]string{"h2"}, nil, nil)
	require.Equal(t, http.StatusNotFound, get(t, h, "/hosts/h1/health").Code)
	require.Equal(t, []string{"h2"}, s.Hosts())
}

func TestHealthSeqMonotonic(t *testing.T) {
	c := &clock{t: time.UnixMilli(5_000)}
	s := fixtureServer(HealthConfig{}, c.now)
	h := s.Handler()
	seq := func(host string) uint64 {
		rec := get(t, h, "/hosts/"+host+"/health")
		require.Equal(t, http.StatusOK, rec.Code)
		return decode(t, rec.Body.Bytes()).Seq
	}
	require.Equal(t, uint64(5_000), seq("h1"))
	require.Equal(t, uint64(5_001), seq("h1"), "same millisecond: +1")
	require.Equal(t, uint64(5_002), seq("h1"))
	require.Equal(t, uint64(5_000), seq("h2"), "per host")
	c.set(time.UnixMilli(9_000))
	require.Equal(t, uint64(9_000), seq("h1"), "follows the clock")
	c.set(time.UnixMilli(1_000)) // the wall clock steps back
	require.Equal(t, uint64(9_001), seq("h1"), "never back")
	// 404s and failed answers do not consume a seq
	get(t, h, "/hosts/nope/health")
	require.Equal(t, uint64(9_002), seq("h1"))
	// a restarted agent (new server, later clock) starts above the last one
	c.set(time.UnixMilli(9_500))
	s2 := fixtureServer(HealthConfig{}, c.now)
	rec := get(t, s2.Handler(), "/hosts/h1/health")
	require.Greater(t, decode(t, rec.Body.Bytes()).Seq, uint64(9_002))
	// a real clock, many answers: strictly increasing
	s3 := fixtureServer(HealthConfig{}, time.Now)
	prev := uint64(0)
	for i := 0; i < 200; i++ {
		rec := get(t, s3.Handler(), "/hosts/h1/health")
		n := decode(t, rec.Body.Bytes()).Seq
		require.Greater(t, n, prev)
		prev = n
	}
}

// live serves s on a real loopback listener (silent and late need a real connection).
func live(t *testing.T, s *HealthServer) string {
	t.Helper()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { _ = s.Close(); srv.Close() })
	return srv.URL
}

func post(t *testing.T, base, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(base+"/control", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func probe(base, host string, timeout time.Duration) (HealthReport, time.Duration, error) {
	cl := &http.Client{Timeout: timeout}
	start := time.Now()
	resp, err := cl.Get(base + "/hosts/" + host + "/health")
	if err != nil {
		return HealthReport{}, time.Since(start), err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return HealthReport{}, time.Since(start), err
	}
	if resp.StatusCode != http.StatusOK {
		return HealthReport{}, time.Since(start), errors.New(resp.Status)
	}
	var r HealthReport
	err = json.Unmarshal(b, &r)
	return r, time.Since(start), err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestHealthSilent(t *testing.T) {
	s := fixtureServer(HealthConfig{}, time.Now)
	base := live(t, s)
	_, _, err := probe(base, "h1", 2*time.Second)
	require.NoError(t, err)

	code, body := post(t, base, `{"mode":"silent"}`)
	require.Equal(t, http.StatusOK, code, body)
	require.JSONEq(t, `{"mode":"silent","late_ms":0,"hosts":{},"crashed_vms":[],"fail_after_fired":false,"fail_images":[]}`, body)
	_, took, err := probe(base, "h1", 200*time.Millisecond)
	require.Error(t, err)
	require.True(t, isTimeout(err), "a client with a 200 ms timeout times out: %v", err)
	require.GreaterOrEqual(t, took, 200*time.Millisecond)
	_, _, err = probe(base, "nope", 200*time.Millisecond)
	require.True(t, isTimeout(err), "silent to every request, unknown hosts too: %v", err)

	// per host: h1 silent, h2 answers
	code, body = post(t, base, `{"mode":"ok"}`)
	require.Equal(t, http.StatusOK, code, body)
	code, body = post(t, base, `{"mode":"silent","host_id":"h1"}`)
	require.Equal(t, http.StatusOK, code, body)
	require.JSONEq(t, `{"mode":"ok","late_ms":0,"hosts":{"h1":{"mode":"silent","late_ms":0}},"crashed_vms":[],"fail_after_fired":false,"fail_images":[]}`, body)
	_, _, err = probe(base, "h1", 200*time.Millisecond)
	require.True(t, isTimeout(err), "%v", err)
	_, _, err = probe(base, "h2", 2*time.Second)
	require.NoError(t, err)

	// ok again: answers
	code, _ = post(t, base, `{"mode":"ok","host_id":"h1"}`)
	require.Equal(t, http.StatusOK, code)
	r, _, err := probe(base, "h1", 2*time.Second)
	require.NoError(t, err)
	require.Equal(t, "h1", r.HostID)
}

func TestHealthSilentReleasedOnClose(t *testing.T) {
	s := fixtureServer(HealthConfig{}, time.Now)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	s.ToggleSilent()
	errc := make(chan error, 1)
	go func() { _, _, err := probe(srv.URL, "h1", 30*time.Second); errc <- err }()
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, s.Close())
	select {
	case err := <-errc:
		require.Error(t, err, "the held connection is closed without an answer")
	case <-time.After(5 * time.Second):
		t.Fatal("a silent request outlived Close")
	}
}

func TestHealthLate(t *testing.T) {
	s := fixtureServer(HealthConfig{}, time.Now)
	base := live(t, s)
	code, body := post(t, base, `{"mode":"late","late_ms":300}`)
	require.Equal(t, http.StatusOK, code, body)
	require.JSONEq(t, `{"mode":"late","late_ms":300,"hosts":{},"crashed_vms":[],"fail_after_fired":false,"fail_images":[]}`, body)
	before := time.Now()
	r, took, err := probe(base, "h1", 5*time.Second)
	require.NoError(t, err)
	require.GreaterOrEqual(t, took, 300*time.Millisecond, "answers after ≥ late_ms")
	require.Equal(t, "h1", r.HostID)
	require.GreaterOrEqual(t, r.Seq, uint64(before.Add(300*time.Millisecond).UnixMilli()), "seq taken when the answer is sent")
	_, _, err = probe(base, "h1", 200*time.Millisecond)
	require.True(t, isTimeout(err), "a 200 ms prober sees a late host as timed out: %v", err)

	// late for one host only
	post(t, base, `{"mode":"ok"}`)
	code, _ = post(t, base, `{"mode":"late","late_ms":250,"host_id":"h2"}`)
	require.Equal(t, http.StatusOK, code)
	_, took, err = probe(base, "h1", 5*time.Second)
	require.NoError(t, err)
	require.Less(t, took, 250*time.Millisecond)
	_, took, err = probe(base, "h2", 5*time.Second)
	require.NoError(t, err)
	require.GreaterOrEqual(t, took, 250*time.Millisecond)
}

func stateOf(r HealthReport, id uint64) string {
	for _, v := range r.VMs {
		if v.ID == id {
			return v.State
		}
	}
	return ""
}

func TestHealthCrashVM(t *testing.T) {
	s := fixtureServer(HealthConfig{}, time.Now)
	h := s.Handler()
	require.Equal(t, "running", stateOf(decode(t, get(t, h, "/hosts/h1/health").Body.Bytes()), 7))
	rec := control(t, h, `{"crash_vm":7}`)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.JSONEq(t, `{"mode":"ok","late_ms":0,"hosts":{},"crashed_vms":[7],"fail_after_fired":false,"fail_images":[]}`, rec.Body.String())
	for i := 0; i < 3; i++ {
		r := decode(t, get(t, h, "/hosts/h1/health").Body.Bytes())
		require.Equal(t, "crashed", stateOf(r, 7), "from now on")
		require.Equal(t, "running", stateOf(r, 12), "only that VM")
		require.Zero(t, r.VMs[1].CPUMilli, "a crashed VM uses nothing")
	}
	// the agent steps again, the chain has not touched the VM: still crashed
	vms := []types.VM{rvm(7, "h1", types.VM_STATE_RUNNING, 11, 1000, 1536)}
	s.Update([]string{"h1", "h2"}, vms, []Instance{{VMID: 7, HostID: "h1", Phase: PhaseRunning}})
	require.Equal(t, "crashed", stateOf(decode(t, get(t, h, "/hosts/h1/health").Body.Bytes()), 7))
	// the chain restarts it (updated_height changes): the crash is over
	vms[0].UpdatedHeight = 30
	s.Update([]string{"h1", "h2"}, vms, []Instance{{VMID: 7, HostID: "h1", Phase: PhaseRunning}})
	require.Equal(t, "running", stateOf(decode(t, get(t, h, "/hosts/h1/health").Body.Bytes()), 7))

	// crash_vm with host_id must name a VM on that host; {"mode":"ok"} resets crashes
	require.Equal(t, http.StatusNotFound, control(t, h, `{"crash_vm":7,"host_id":"h2"}`).Code)
	require.Equal(t, http.StatusOK, control(t, h, `{"crash_vm":7,"host_id":"h1"}`).Code)
	require.Equal(t, "crashed", stateOf(decode(t, get(t, h, "/hosts/h1/health").Body.Bytes()), 7))
	require.Equal(t, http.StatusOK, control(t, h, `{"mode":"late","late_ms":5}`).Code)
	require.Equal(t, []uint64{7}, s.ControlState().CrashedVMs, "only ok resets crashes")
	require.Equal(t, http.StatusOK, control(t, h, `{"mode":"ok"}`).Code)
	require.Empty(t, s.ControlState().CrashedVMs)
	require.Equal(t, "running", stateOf(decode(t, get(t, h, "/hosts/h1/health").Body.Bytes()), 7))
}

func TestControlRejects(t *testing.T) {
	s := fixtureServer(HealthConfig{}, time.Now)
	h := s.Handler()
	for body, code := range map[string]int{
		`{"mode":"sleepy"}`:                  http.StatusBadRequest,
		`{"mode":"late"}`:                    http.StatusBadRequest,
		`{"mode":"late","late_ms":600001}`:   http.StatusBadRequest,
		`{"late_ms":5}`:                      http.StatusBadRequest,
		`{"mode":"silent","late_ms":5}`:      http.StatusBadRequest,
		`{"mode":"ok","bogus":1}`:            http.StatusBadRequest,
		`not json`:                           http.StatusBadRequest,
		`{"mode":"silent","host_id":"h9"}`:   http.StatusNotFound,
		`{"crash_vm":99}`:                    http.StatusNotFound,
		`{"crash_vm":99,"mode":"silent"}`:    http.StatusNotFound,
		`{"crash_vm":3,"host_id":"nowhere"}`: http.StatusNotFound,
	} {
		rec := control(t, h, body)
		require.Equal(t, code, rec.Code, body)
		require.Contains(t, rec.Body.String(), `"error"`, body)
	}
	require.Equal(t, ControlState{ModeState: ModeState{Mode: ModeOK}, Hosts: map[string]ModeState{}, CrashedVMs: []uint64{}, FailImages: []string{}},
		s.ControlState(), "a rejected request changes nothing")

	// loopback only, for POST and GET
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, "/control", strings.NewReader(`{"mode":"silent"}`))
		req.RemoteAddr = "10.1.2.3:5555"
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusForbidden, rec.Code)
	}
	require.Equal(t, ModeOK, s.ControlState().Mode)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/control", nil)
	req.RemoteAddr = "[::1]:5555"
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, "IPv6 loopback is loopback")
}

func TestHealthFailAfter(t *testing.T) {
	c := &clock{t: time.UnixMilli(1_000_000)}
	s := fixtureServer(HealthConfig{FailAfter: 2 * time.Second}, c.now)
	require.Equal(t, ModeOK, s.ControlState().Mode)
	c.set(time.UnixMilli(1_002_000))
	st := s.ControlState()
	require.Equal(t, ModeSilent, st.Mode, "--fail-after elapsed")
	require.True(t, st.FailAfterFired)

	// on a real listener: answers, then (after fail-after) a 200 ms client times out
	s = fixtureServer(HealthConfig{FailAfter: 300 * time.Millisecond}, time.Now)
	base := live(t, s)
	_, _, err := probe(base, "h1", 2*time.Second)
	require.NoError(t, err)
	time.Sleep(350 * time.Millisecond)
	_, _, err = probe(base, "h1", 200*time.Millisecond)
	require.True(t, isTimeout(err), "%v", err)
	// an explicit ok revives it; fail-after fires once
	code, body := post(t, base, `{"mode":"ok"}`)
	require.Equal(t, http.StatusOK, code)
	require.JSONEq(t, `{"mode":"ok","late_ms":0,"hosts":{},"crashed_vms":[],"fail_after_fired":true,"fail_images":[]}`, body)
	_, _, err = probe(base, "h1", 2*time.Second)
	require.NoError(t, err)
}

func TestToggleSilent(t *testing.T) {
	s := fixtureServer(HealthConfig{}, time.Now)
	h := s.Handler()
	require.Equal(t, http.StatusOK, control(t, h, `{"mode":"late","late_ms":10,"host_id":"h2"}`).Code)
	require.Equal(t, ModeSilent, s.ToggleSilent())
	require.Empty(t, s.ControlState().Hosts, "toggling drops per-host overrides")
	require.Equal(t, ModeOK, s.ToggleSilent())
	require.Equal(t, http.StatusOK, get(t, h, "/hosts/h1/health").Code)
}

func TestHealthFlags(t *testing.T) {
	parse := func(args ...string) (HealthConfig, error) {
		fs := pflag.NewFlagSet("host-agent", pflag.ContinueOnError)
		AddHealthFlags(fs)
		require.NoError(t, fs.Parse(args))
		return HealthConfigFromFlags(fs)
	}
	cfg, err := parse()
	require.NoError(t, err)
	require.False(t, cfg.Enabled(), "default 127.0.0.1:0: off")
	require.Zero(t, cfg.FailAfter)

	cfg, err = parse("--health-addr", "127.0.0.1:26680", "--fail-after", "45s")
	require.NoError(t, err)
	require.Equal(t, HealthConfig{Addr: "127.0.0.1:26680", FailAfter: 45 * time.Second}, cfg)
	require.True(t, cfg.Enabled())
	cfg, err = parse("--health-addr=[::1]:9100")
	require.NoError(t, err)
	require.True(t, cfg.Enabled())
	cfg, err = parse("--health-addr", ":9100")
	require.NoError(t, err)
	require.True(t, cfg.Enabled(), "all interfaces (the control endpoint still answers loopback only)")
	cfg, err = parse("--health-addr", "")
	require.NoError(t, err)
	require.False(t, cfg.Enabled())

	for _, args := range [][]string{
		{"--health-addr", "127.0.0.1"},
		{"--health-addr", "127.0.0.1:http"},
		{"--health-addr", "127.0.0.1:70000"},
		{"--health-addr", "127.0.0.1:9100", "--fail-after", "-1s"},
		{"--fail-after", "10s"}, // health endpoint off
	} {
		_, err := parse(args...)
		require.Error(t, err, "%v", args)
	}
	fs := pflag.NewFlagSet("host-agent", pflag.ContinueOnError)
	AddHealthFlags(fs)
	require.Error(t, fs.Parse([]string{"--fail-after", "soon"}))
}

func TestHealthListen(t *testing.T) {
	s := fixtureServer(HealthConfig{Addr: "127.0.0.1:0"}, time.Now) // Listen binds any free port
	addr, err := s.Listen()
	require.NoError(t, err)
	defer s.Close()
	base := BaseURL(addr)
	require.NoError(t, types.ValidateHealthEndpoint(base), "registrable as the host's health_endpoint")
	r, _, err := probe(base, "h1", 2*time.Second)
	require.NoError(t, err)
	require.Equal(t, "h1", r.HostID)
	require.NoError(t, s.Close())
	_, _, err = probe(base, "h1", 500*time.Millisecond)
	require.Error(t, err, "closed")
}

// The agent publishes each step's view: hosts after --hosts, VMs booting → running.
func TestAgentPublishesHealth(t *testing.T) {
	ch := &fakeChain{height: 10, hosts: []types.Host{{Id: "h1"}, {Id: "h2"}, {Id: "h3"}}, vms: map[uint64]*types.VM{
		1: {Id: 1, HostId: "h1", State: types.VM_STATE_SCHEDULED, UpdatedHeight: 9, Resources: types.Resources{CpuMillis: 1000, MemoryMib: 1024}},
		2: {Id: 2, HostId: "h2", State: types.VM_STATE_RUNNING, UpdatedHeight: 3, Resources: types.Resources{CpuMillis: 500, MemoryMib: 256}},
		3: {Id: 3, HostId: "h3", State: types.VM_STATE_RUNNING, UpdatedHeight: 3},
	}}
	c := &clock{t: t0}
	a := NewAgent(AgentConfig{Config: Config{BootDelay: 2 * time.Second}, HostFilter: []string{"h1", "h2"}}, ch, nopLog{})
	a.now = c.now
	s := newHealthServer(HealthConfig{}, nopLog{}, c.now)
	a.SetHealth(s)
	h := s.Handler()
	require.Equal(t, http.StatusNotFound, get(t, h, "/hosts/h1/health").Code, "nothing before the first step")
	require.NoError(t, a.Step(context.Background()))
	require.Equal(t, []string{"h1", "h2"}, s.Hosts())
	require.Equal(t, http.StatusNotFound, get(t, h, "/hosts/h3/health").Code, "filtered out by --hosts")
	r := decode(t, get(t, h, "/hosts/h1/health").Body.Bytes())
	require.Equal(t, []HealthVM{{ID: 1, State: "stopped"}}, r.VMs, "booting")
	r = decode(t, get(t, h, "/hosts/h2/health").Body.Bytes())
	require.Len(t, r.VMs, 1)
	require.Equal(t, "running", r.VMs[0].State, "adopted")
	require.Positive(t, r.VMs[0].CPUMilli)

	c.set(t0.Add(2 * time.Second))
	require.NoError(t, a.Step(context.Background()))
	r = decode(t, get(t, h, "/hosts/h1/health").Body.Bytes())
	require.Equal(t, "running", r.VMs[0].State, "booted")
	cpu, mem := Utilisation(1, types.Resources{CpuMillis: 1000, MemoryMib: 1024}, r.Seq)
	require.Equal(t, HealthVM{ID: 1, State: "running", CPUMilli: cpu, MemMiB: mem}, r.VMs[0])
}

func TestControlFailImages(t *testing.T) {
	s := fixtureServer(HealthConfig{}, time.Now)
	h := s.Handler()
	rec := control(t, h, `{"fail_image":"`+badImage+`"}`)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.JSONEq(t, `{"mode":"ok","late_ms":0,"hosts":{},"crashed_vms":[],"fail_after_fired":false,"fail_images":["`+badImage+`"]}`, rec.Body.String())
	// fail_image adds; a mode (ok included) leaves the set alone
	require.Equal(t, http.StatusOK, control(t, h, `{"fail_image":"`+goodImage+`","mode":"ok"}`).Code)
	require.Equal(t, []string{goodImage, badImage}, s.FailImages(), "sorted")
	require.Equal(t, http.StatusOK, control(t, h, `{"mode":"silent"}`).Code)
	require.Equal(t, http.StatusOK, control(t, h, `{"mode":"ok"}`).Code)
	require.Len(t, s.FailImages(), 2)
	// fail_images replaces (then fail_image adds); null leaves; [] clears
	require.Equal(t, http.StatusOK, control(t, h, `{"fail_images":["`+goodImage+`"]}`).Code)
	require.Equal(t, []string{goodImage}, s.FailImages())
	require.Equal(t, http.StatusOK, control(t, h, `{"fail_images":null}`).Code)
	require.Equal(t, []string{goodImage}, s.FailImages())
	require.Equal(t, http.StatusOK, control(t, h, `{"fail_images":[],"fail_image":"`+badImage+`"}`).Code)
	require.Equal(t, []string{badImage}, s.FailImages())
	require.Equal(t, http.StatusOK, control(t, h, `{"fail_images":[]}`).Code)
	require.Empty(t, s.FailImages())

	s.SetFailImages([]string{badImage})
	for body, code := range map[string]int{
		`{"fail_image":"not-a-cid"}`:                          http.StatusBadRequest,
		`{"fail_images":["` + goodImage + `","nope"]}`:        http.StatusBadRequest,
		`{"fail_image":" ` + goodImage + `"}`:                 http.StatusBadRequest,
		`{"fail_image":"` + goodImage + `","host_id":"h1"}`:   http.StatusBadRequest,
		`{"fail_images":[],"host_id":"h1","mode":"silent"}`:   http.StatusBadRequest,
		`{"fail_image":"` + goodImage + `","crash_vm":99}`:    http.StatusNotFound,
		`{"fail_images":"` + goodImage + `"}`:                 http.StatusBadRequest,
		`{"fail_image":"` + goodImage + `","mode":"sleepy"}`:  http.StatusBadRequest,
		`{"fail_images":["` + goodImage + `"],"late_ms":10}`:  http.StatusBadRequest,
		`{"fail_images":["` + goodImage + `"],"mode":"late"}`: http.StatusBadRequest,
	} {
		rec := control(t, h, body)
		require.Equal(t, code, rec.Code, body)
		require.Contains(t, rec.Body.String(), `"error"`, body)
	}
	require.Equal(t, []string{badImage}, s.FailImages(), "a rejected request changes nothing")
	require.Equal(t, ModeOK, s.ControlState().Mode)
}

func TestFailImageFlag(t *testing.T) {
	parse := func(args ...string) (map[string]bool, error) {
		fs := pflag.NewFlagSet("host-agent", pflag.ContinueOnError)
		AddFailImageFlag(fs)
		require.NoError(t, fs.Parse(args))
		return FailImagesFromFlags(fs)
	}
	set, err := parse()
	require.NoError(t, err)
	require.Empty(t, set)
	set, err = parse("--fail-image", badImage, "--fail-image="+goodImage, "--fail-image", badImage)
	require.NoError(t, err)
	require.Equal(t, map[string]bool{badImage: true, goodImage: true}, set, "repeatable")
	for _, bad := range []string{"", "bafy", badImage + "," + goodImage, "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd"} {
		_, err := parse("--fail-image", bad)
		require.Error(t, err, "%q", bad)
		require.Contains(t, err.Error(), "--fail-image", "%q", bad)
	}
}

// POST /control fail_image reaches the planner at the agent's next step; --fail-image seeds it.
func TestAgentFailImageFromControl(t *testing.T) {
	ch := &fakeChain{height: 10, hosts: []types.Host{{Id: "h1"}}, vms: map[uint64]*types.VM{
		1: {Id: 1, HostId: "h1", State: types.VM_STATE_RUNNING, UpdatedHeight: 3, ImageCid: goodImage},
	}}
	a := NewAgent(AgentConfig{Config: Config{FailImages: map[string]bool{goodImage: true}}}, ch, nopLog{})
	s := newHealthServer(HealthConfig{}, nopLog{}, time.Now)
	a.SetHealth(s)
	require.Equal(t, []string{goodImage}, s.ControlState().FailImages, "seeded from --fail-image")
	require.NoError(t, a.Step(context.Background()))
	h := s.Handler()
	require.Equal(t, http.StatusOK, control(t, h, `{"fail_images":["`+badImage+`"]}`).Code)

	// a canary step: the chain gives the VM the bad image and re-schedules it
	ch.mu.Lock()
	ch.height++
	ch.vms[1].State, ch.vms[1].UpdatedHeight, ch.vms[1].ImageCid = types.VM_STATE_SCHEDULED, ch.height, badImage
	ch.mu.Unlock()
	require.NoError(t, a.Step(context.Background()))
	require.Equal(t, types.VM_STATE_FAILED, ch.vms[1].State)
	require.Equal(t, ImageFailReason(badImage), ch.txs[len(ch.txs)-1][0].Reason)
	require.Equal(t, "crashed", stateOf(decode(t, get(t, h, "/hosts/h1/health").Body.Bytes()), 1))

	// rolled back to the previous image, which is no longer failing: runs
	ch.mu.Lock()
	ch.height++
	ch.vms[1].State, ch.vms[1].UpdatedHeight, ch.vms[1].ImageCid = types.VM_STATE_SCHEDULED, ch.height, goodImage
	ch.mu.Unlock()
	require.NoError(t, a.Step(context.Background()))
	require.Equal(t, types.VM_STATE_RUNNING, ch.vms[1].State)
}
