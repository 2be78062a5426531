package prober

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/heal/engine"
)

// agent is a fake host agent serving GET /hosts/{id}/health for any id through handle, and
// counting the requests in flight.
type agent struct {
	*httptest.Server
	handle      atomic.Pointer[func(w http.ResponseWriter, r *http.Request, id string)]
	inflight    atomic.Int64
	maxInflight atomic.Int64
	requests    atomic.Int64
}

func newAgent(t *testing.T, h func(w http.ResponseWriter, r *http.Request, id string)) *agent {
	a := &agent{}
	a.set(h)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hosts/{id}/health", func(w http.ResponseWriter, r *http.Request) {
		n := a.inflight.Add(1)
		defer a.inflight.Add(-1)
		a.requests.Add(1)
		for m := a.maxInflight.Load(); n > m && !a.maxInflight.CompareAndSwap(m, n); m = a.maxInflight.Load() {
		}
		(*a.handle.Load())(w, r, r.PathValue("id"))
	})
	a.Server = httptest.NewServer(mux)
	t.Cleanup(a.Close)
	return a
}

func (a *agent) set(h func(w http.ResponseWriter, r *http.Request, id string)) { a.handle.Store(&h) }

func (a *agent) endpoint(id string) string { return a.URL + "/hosts/" + id + "/health" }

func (a *agent) target(id string) Target { return Target{HostID: id, Endpoint: a.endpoint(id)} }

func healthy(seq uint64) func(w http.ResponseWriter, r *http.Request, id string) {
	return func(w http.ResponseWriter, r *http.Request, id string) {
		fmt.Fprintf(w, `{"host_id":%q,"seq":%d,"vms":[{"id":7,"state":"running","cpu_milli":500,"mem_mib":1024}]}`, id, seq)
	}
}

// hang answers nothing until the client gives up.
func hang(w http.ResponseWriter, r *http.Request, id string) { <-r.Context().Done() }

func testConfig() Config {
	c := DefaultConfig()
	c.ProbeInterval = 20 * time.Millisecond
	c.Timeout = 800 * time.Millisecond
	c.LateThreshold = 200 * time.Millisecond
	return c
}

func newProber(t *testing.T, cfg Config, targets ...Target) *Prober {
	t.Helper()
	p, err := New(cfg, func() []Target { return targets }, nil)
	require.NoError(t, err)
	return p
}

// syncRound runs one probe round on the calling goroutine, one probe after the other.
func syncRound(p *Prober) {
	for _, s := range p.startRound() {
		p.record(s.st, s.t, p.probe(context.Background(), s.t), true)
	}
}

func keys(s Snapshot) []string {
	var ks []string
	for k := range s.Hosts {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestClassify(t *testing.T) {
	a := newAgent(t, func(w http.ResponseWriter, r *http.Request, id string) {
		switch id {
		case "late":
			time.Sleep(400 * time.Millisecond)
		case "hung":
			<-r.Context().Done()
			return
		}
		healthy(41)(w, r, id)
	})
	p := newProber(t, testConfig(), a.target("up"), a.target("late"), a.target("hung"))
	syncRound(p)
	s := p.Snapshot()
	require.Equal(t, []string{"hung", "late", "up"}, keys(s))
	wantVMs := []engine.VM{{ID: 7, State: engine.VMRunning, CPUMilli: 500, MemMiB: 1024}}

	up := s.Hosts["up"]
	require.Equal(t, engine.StatusUp, up.Host.Status, up.Reason)
	require.Less(t, up.RTT, 200*time.Millisecond)
	require.Equal(t, engine.RTTBucket(uint64(up.RTT.Microseconds())), up.Host.RTTBucket)
	require.Equal(t, uint64(41), up.Host.Seq)
	require.Equal(t, wantVMs, up.Host.VMs)
	require.Empty(t, up.Reason)
	require.WithinDuration(t, time.Now(), up.ProbedAt, 5*time.Second)

	late := s.Hosts["late"]
	require.Equal(t, engine.StatusLate, late.Host.Status, late.Reason)
	require.GreaterOrEqual(t, late.RTT, 400*time.Millisecond)
	require.Equal(t, engine.RTTBucket(uint64(late.RTT.Microseconds())), late.Host.RTTBucket)
	require.GreaterOrEqual(t, late.Host.RTTBucket, uint8(9)) // [256, 512) ms or above
	require.Equal(t, uint64(41), late.Host.Seq)
	require.Equal(t, wantVMs, late.Host.VMs)

	hung := s.Hosts["hung"]
	require.Equal(t, engine.Host{Status: engine.StatusDown}, hung.Host)
	require.Contains(t, hung.Reason, "no answer within 800ms")
}

// A host that never answers is down once the timeout passes, not later.
func TestTimeoutBound(t *testing.T) {
	a := newAgent(t, hang)
	// A listener nobody accepts on: the kernel completes the handshake, nothing ever answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	cfg := testConfig()
	cfg.Timeout = 300 * time.Millisecond
	cfg.LateThreshold = 100 * time.Millisecond
	p := newProber(t, cfg)
	for _, tg := range []Target{a.target("h1"), {HostID: "h2", Endpoint: "http://" + ln.Addr().String() + "/hosts/h2/health"}} {
		start := time.Now()
		r := p.probe(context.Background(), tg)
		took := time.Since(start)
		require.Equal(t, engine.StatusDown, r.obs.Host.Status)
		require.Equal(t, kindTimeout, r.kind, r.obs.Reason)
		require.GreaterOrEqual(t, took, cfg.Timeout)
		require.Less(t, took, cfg.Timeout+250*time.Millisecond, "down after %s", took)
	}
}

func TestDownAnswers(t *testing.T) {
	const limit = 1024
	pad := func(n int) string { return strings.Repeat(" ", n) }
	ok := func(id string) string { return fmt.Sprintf(`{"host_id":%q,"seq":1,"vms":[]}`, id) }
	cases := []struct {
		name, kind, reason string
		h                  func(w http.ResponseWriter, r *http.Request, id string)
	}{
		{"oversized", kindOversized, "response of", func(w http.ResponseWriter, r *http.Request, id string) {
			fmt.Fprint(w, ok(id)+pad(limit))
		}},
		{"oversized-chunked", kindOversized, "response over 1024 bytes", func(w http.ResponseWriter, r *http.Request, id string) {
			fmt.Fprint(w, ok(id))
			w.(http.Flusher).Flush() // no Content-Length: the limit is found while reading
			fmt.Fprint(w, pad(limit))
		}},
		{"empty", kindMalformed, "malformed", func(w http.ResponseWriter, r *http.Request, id string) {}},
		{"not-json", kindMalformed, "malformed", func(w http.ResponseWriter, r *http.Request, id string) { fmt.Fprint(w, "OK") }},
		{"truncated", kindMalformed, "malformed", func(w http.ResponseWriter, r *http.Request, id string) {
			fmt.Fprintf(w, `{"host_id":%q,"seq":1,"vms":[`, id)
		}},
		{"trailing", kindMalformed, "malformed", func(w http.ResponseWriter, r *http.Request, id string) { fmt.Fprint(w, ok(id)+"{}") }},
		{"null", kindMalformed, "no host_id", func(w http.ResponseWriter, r *http.Request, id string) { fmt.Fprint(w, "null") }},
		{"no-seq", kindMalformed, "no seq", func(w http.ResponseWriter, r *http.Request, id string) {
			fmt.Fprintf(w, `{"host_id":%q}`, id)
		}},
		{"negative-seq", kindMalformed, "malformed", func(w http.ResponseWriter, r *http.Request, id string) {
			fmt.Fprintf(w, `{"host_id":%q,"seq":-1}`, id)
		}},
		{"wrong-host", kindWrongHost, `host "h9", probed`, func(w http.ResponseWriter, r *http.Request, id string) { fmt.Fprint(w, ok("h9")) }},
		{"vm-no-id", kindMalformed, "vms[0] has no id", func(w http.ResponseWriter, r *http.Request, id string) {
			fmt.Fprintf(w, `{"host_id":%q,"seq":1,"vms":[{"state":"running"}]}`, id)
		}},
		{"vm-max-id", kindMalformed, "reserved", func(w http.ResponseWriter, r *http.Request, id string) {
			fmt.Fprintf(w, `{"host_id":%q,"seq":1,"vms":[{"id":%d,"state":"running"}]}`, id, uint64(math.MaxUint64))
		}},
		{"vm-no-state", kindMalformed, "vm 3 has no state", func(w http.ResponseWriter, r *http.Request, id string) {
			fmt.Fprintf(w, `{"host_id":%q,"seq":1,"vms":[{"id":3}]}`, id)
		}},
		{"vm-unknown-state", kindMalformed, `vm 3 state "paused"`, func(w http.ResponseWriter, r *http.Request, id string) {
			fmt.Fprintf(w, `{"host_id":%q,"seq":1,"vms":[{"id":3,"state":"paused"}]}`, id)
		}},
		{"vm-absent-state", kindMalformed, `state "absent"`, func(w http.ResponseWriter, r *http.Request, id string) {
			fmt.Fprintf(w, `{"host_id":%q,"seq":1,"vms":[{"id":3,"state":"absent"}]}`, id)
		}},
		{"vm-duplicate", kindMalformed, "vm 3 listed twice", func(w http.ResponseWriter, r *http.Request, id string) {
			fmt.Fprintf(w, `{"host_id":%q,"seq":1,"vms":[{"id":3,"state":"running"},{"id":1,"state":"running"},{"id":3,"state":"stopped"}]}`, id)
		}},
		{"status-500", kindStatus, "answered 500", func(w http.ResponseWriter, r *http.Request, id string) {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, ok(id))
		}},
		{"status-204", kindStatus, "answered 204", func(w http.ResponseWriter, r *http.Request, id string) { w.WriteHeader(http.StatusNoContent) }},
		{"redirect", kindStatus, "answered 302", func(w http.ResponseWriter, r *http.Request, id string) {
			http.Redirect(w, r, "/hosts/"+id+"/health?again", http.StatusFound)
		}},
	}
	var targets []Target
	a := newAgent(t, func(w http.ResponseWriter, r *http.Request, id string) {
		for _, c := range cases {
			if c.name == id {
				c.h(w, r, id)
				return
			}
		}
		http.NotFound(w, r)
	})
	for _, c := range cases {
		targets = append(targets, a.target(c.name))
	}
	targets = append(targets, a.target("missing"), // 404
		Target{HostID: "bad-url", Endpoint: "ftp://127.0.0.1/x"},
		Target{HostID: "no-endpoint"},
		Target{HostID: "refused", Endpoint: "http://127.0.0.1:1/hosts/refused/health"})
	cfg := testConfig()
	cfg.MaxResponseBytes = limit
	p := newProber(t, cfg, targets...)
	syncRound(p)
	s := p.Snapshot()
	require.Len(t, s.Hosts, len(targets))
	for _, c := range cases {
		o := s.Hosts[c.name]
		require.Equal(t, engine.Host{Status: engine.StatusDown}, o.Host, c.name)
		require.Contains(t, o.Reason, c.reason, c.name)
	}
	require.Contains(t, s.Hosts["missing"].Reason, "answered 404")
	require.Contains(t, s.Hosts["bad-url"].Reason, "scheme must be http or https")
	require.Contains(t, s.Hosts["no-endpoint"].Reason, "scheme must be http or https")
	require.Equal(t, engine.StatusDown, s.Hosts["refused"].Host.Status)

	// Exactly the limit is accepted.
	b := newAgent(t, func(w http.ResponseWriter, r *http.Request, id string) {
		body := ok(id)
		fmt.Fprint(w, body+pad(limit-len(body)))
	})
	r := p.probe(context.Background(), b.target("h1"))
	require.Equal(t, engine.StatusUp, r.obs.Host.Status, r.obs.Reason)
}

func TestKinds(t *testing.T) {
	// The kind of each down case above, for the logs: spot-check through probe.
	a := newAgent(t, func(w http.ResponseWriter, r *http.Request, id string) { fmt.Fprint(w, "{") })
	p := newProber(t, testConfig())
	require.Equal(t, kindMalformed, p.probe(context.Background(), a.target("h1")).kind)
	require.Equal(t, kindEndpoint, p.probe(context.Background(), Target{HostID: "h1", Endpoint: "nope"}).kind)
	require.Equal(t, kindRequest, p.probe(context.Background(), Target{HostID: "h1", Endpoint: "http://127.0.0.1:1/"}).kind)
}

func TestSeqNeverGoesBack(t *testing.T) {
	var seq atomic.Uint64
	a := newAgent(t, func(w http.ResponseWriter, r *http.Request, id string) { healthy(seq.Load())(w, r, id) })
	var targets atomic.Pointer[[]Target]
	set := func(ts ...Target) { targets.Store(&ts) }
	set(a.target("h1"))
	p, err := New(testConfig(), func() []Target { return *targets.Load() }, nil)
	require.NoError(t, err)
	step := func(s uint64) Observation {
		t.Helper()
		seq.Store(s)
		syncRound(p)
		return p.Snapshot().Hosts["h1"]
	}
	require.Equal(t, engine.StatusUp, step(5).Host.Status)
	require.Equal(t, engine.StatusUp, step(5).Host.Status) // no beat since: fine
	o := step(3)
	require.Equal(t, engine.Host{Status: engine.StatusDown}, o.Host)
	require.Equal(t, "sequence went back from 5 to 3", o.Reason)
	require.Equal(t, engine.StatusDown, step(4).Host.Status) // still below the highest accepted
	require.Equal(t, uint64(6), step(6).Host.Seq)
	// A host removed and added again is a new host: its sequence starts afresh.
	set()
	syncRound(p)
	require.Empty(t, p.Snapshot().Hosts)
	set(a.target("h1"))
	o = step(1)
	require.Equal(t, engine.StatusUp, o.Host.Status, o.Reason)
	require.Equal(t, uint64(1), o.Host.Seq)
}

func TestParseHealth(t *testing.T) {
	h, err := ParseHealth([]byte(`{"host_id":"h1","seq":9,"extra":true,"vms":[
		{"id":9,"state":"crashed","cpu_milli":24,"mem_mib":31},
		{"id":2,"state":"stopped"},
		{"id":5,"state":"running","cpu_milli":1025,"mem_mib":2080,"name":"web"}]}`), "h1")
	require.NoError(t, err)
	require.Equal(t, engine.Host{Seq: 9, VMs: []engine.VM{
		{ID: 2, State: engine.VMStopped},
		{ID: 5, State: engine.VMRunning, CPUMilli: 1050, MemMiB: 2112},
		{ID: 9, State: engine.VMCrashed, CPUMilli: 0, MemMiB: 0},
	}}, h)
	h, err = ParseHealth([]byte(`{"host_id":"h1","seq":0}`), "h1")
	require.NoError(t, err)
	require.Equal(t, engine.Host{}, h)
	_, err = ParseHealth([]byte(`{"host_id":"H1","seq":0}`), "h1")
	require.ErrorIs(t, err, errWrongHost)
}

func TestQuantise(t *testing.T) {
	for _, c := range []struct{ in, cpu, mem uint64 }{
		{0, 0, 0}, {1, 0, 0}, {24, 0, 0}, {25, 50, 0}, {31, 50, 0}, {32, 50, 64}, {49, 50, 64},
		{50, 50, 64}, {74, 50, 64}, {75, 100, 64}, {95, 100, 64}, {96, 100, 128}, {500, 500, 512},
		{1024, 1000, 1024}, {1055, 1050, 1024}, {1056, 1050, 1088},
		{math.MaxUint64, math.MaxUint64 / 50 * 50, math.MaxUint64 / 64 * 64},
	} {
		require.Equal(t, c.cpu, QuantiseCPU(c.in), "cpu %d", c.in)
		require.Equal(t, c.mem, QuantiseMem(c.in), "mem %d", c.in)
	}
	// Jitter within a step does not change the reported value.
	for v := uint64(476); v < 525; v++ {
		require.Equal(t, uint64(500), QuantiseCPU(v), v)
	}
	for v := uint64(992); v < 1056; v++ {
		require.Equal(t, uint64(1024), QuantiseMem(v), v)
	}
}

func run(t *testing.T, p *Prober) (stop func() time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	var took time.Duration
	stop = func() time.Duration {
		once.Do(func() {
			start := time.Now()
			cancel()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return after cancel")
			}
			took = time.Since(start)
		})
		return took
	}
	t.Cleanup(func() { stop() })
	return stop
}

func TestConcurrencyBound(t *testing.T) {
	a := newAgent(t, func(w http.ResponseWriter, r *http.Request, id string) {
		time.Sleep(40 * time.Millisecond)
		healthy(1)(w, r, id)
	})
	var targets []Target
	for i := range 40 {
		targets = append(targets, a.target(fmt.Sprintf("h%02d", i)))
	}
	cfg := testConfig()
	cfg.Concurrency = 4
	cfg.Timeout = 5 * time.Second // queueing for the semaphore must not count against it
	cfg.LateThreshold = 4 * time.Second
	p := newProber(t, cfg, targets...)
	stop := run(t, p)
	require.Eventually(t, func() bool { return len(p.Snapshot().Hosts) == 40 && a.requests.Load() >= 80 }, 20*time.Second, 10*time.Millisecond)
	stop()
	require.LessOrEqual(t, a.maxInflight.Load(), int64(4))
	require.GreaterOrEqual(t, a.maxInflight.Load(), int64(2))
	for id, o := range p.Snapshot().Hosts {
		require.Equal(t, engine.StatusUp, o.Host.Status, "%s: %s", id, o.Reason)
	}
}

// While 16 probes hang (all the concurrency there is), Snapshot still answers at once with the
// previous results, hung hosts are not probed again on every tick, and Run stops promptly.
func TestSnapshotNeverBlocks(t *testing.T) {
	a := newAgent(t, healthy(3))
	var targets []Target
	for i := range 16 {
		targets = append(targets, a.target(fmt.Sprintf("h%02d", i)))
	}
	cfg := testConfig()
	cfg.Timeout = time.Minute
	cfg.LateThreshold = 30 * time.Second
	p := newProber(t, cfg, targets...)
	stop := run(t, p)
	require.Eventually(t, func() bool { return len(p.Snapshot().Hosts) == 16 }, 10*time.Second, 5*time.Millisecond)
	a.set(hang)
	require.Eventually(t, func() bool { return a.inflight.Load() == 16 }, 10*time.Second, 5*time.Millisecond)
	requests := a.requests.Load()
	start := time.Now()
	for range 1000 {
		s := p.Snapshot()
		require.Len(t, s.Hosts, 16)
		for _, o := range s.Hosts {
			require.Equal(t, engine.StatusUp, o.Host.Status)
			require.Equal(t, uint64(3), o.Host.Seq)
		}
	}
	require.Less(t, time.Since(start), time.Second, "1000 snapshots with 16 probes hung")
	time.Sleep(10 * cfg.ProbeInterval)
	require.Equal(t, int64(16), a.inflight.Load())
	require.Equal(t, requests, a.requests.Load(), "hung hosts probed again")
	require.Less(t, stop(), 2*time.Second, "Run returns once ctx is done, without waiting for the timeout")
	// Probes cut short by the shutdown are not recorded as the hosts' state.
	for _, o := range p.Snapshot().Hosts {
		require.Equal(t, engine.StatusUp, o.Host.Status)
	}
}

func TestSnapshotIsACopy(t *testing.T) {
	a := newAgent(t, healthy(1))
	p := newProber(t, testConfig(), a.target("h1"))
	syncRound(p)
	s := p.Snapshot()
	s.Hosts["h1"].Host.VMs[0].CPUMilli = 9
	delete(s.Hosts, "h1")
	require.Equal(t, uint64(500), p.Snapshot().Hosts["h1"].Host.VMs[0].CPUMilli)
}

func TestTargetsChange(t *testing.T) {
	a := newAgent(t, healthy(1))
	var targets atomic.Pointer[[]Target]
	set := func(ts ...Target) { targets.Store(&ts) }
	set(a.target("a"), a.target("b"))
	cfg := testConfig()
	// c advertises an endpoint nobody serves; the override points it at the agent.
	cfg.EndpointOverrides = []string{"c=" + a.endpoint("c")}
	p, err := New(cfg, func() []Target { return *targets.Load() }, nil)
	require.NoError(t, err)
	run(t, p)
	has := func(want ...string) func() bool {
		return func() bool {
			s := p.Snapshot()
			if len(s.Hosts) != len(want) {
				return false
			}
			for _, id := range want {
				if o, ok := s.Hosts[id]; !ok || o.Host.Status != engine.StatusUp {
					return false
				}
			}
			return true
		}
	}
	require.Eventually(t, has("a", "b"), 10*time.Second, 5*time.Millisecond)
	set(a.target("b"), Target{HostID: "c", Endpoint: "http://192.0.2.1:9/unreachable"}, Target{HostID: ""})
	require.Eventually(t, has("b", "c"), 10*time.Second, 5*time.Millisecond)
	set()
	require.Eventually(t, has(), 10*time.Second, 5*time.Millisecond)
	// A host whose endpoint changes starts afresh against the new endpoint.
	set(Target{HostID: "b", Endpoint: "http://127.0.0.1:1/hosts/b/health"})
	require.Eventually(t, func() bool {
		o, ok := p.Snapshot().Hosts["b"]
		return ok && o.Host.Status == engine.StatusDown
	}, 10*time.Second, 5*time.Millisecond)
	set(a.target("b"))
	require.Eventually(t, has("b"), 10*time.Second, 5*time.Millisecond)
}

func TestDisabled(t *testing.T) {
	cfg := testConfig()
	cfg.Enabled = false
	cfg.Concurrency = 0 // not checked when disabled
	called := false
	p, err := New(cfg, func() []Target { called = true; return nil }, nil)
	require.NoError(t, err)
	require.NoError(t, p.Run(context.Background()))
	require.False(t, called)
	require.Empty(t, p.Snapshot().Hosts)
}

func TestNewErrors(t *testing.T) {
	cfg := testConfig()
	cfg.Concurrency = 0
	_, err := New(cfg, func() []Target { return nil }, nil)
	require.ErrorContains(t, err, "concurrency")
	_, err = New(testConfig(), nil, nil)
	require.ErrorContains(t, err, "nil targets")
}

type captureLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *captureLog) Debug(string, ...any) {}
func (l *captureLog) Error(string, ...any) {}
func (l *captureLog) Info(msg string, kv ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprint(append([]any{msg}, kv...)...))
}

func TestLogRateLimited(t *testing.T) {
	var status atomic.Int64
	status.Store(500)
	a := newAgent(t, func(w http.ResponseWriter, r *http.Request, id string) {
		if s := int(status.Load()); s != 200 {
			w.WriteHeader(s)
			return
		}
		healthy(1)(w, r, id)
	})
	log := &captureLog{}
	p, err := New(testConfig(), func() []Target { return []Target{a.target("h1")} }, log)
	require.NoError(t, err)
	for range 5 {
		syncRound(p)
	}
	require.Len(t, log.lines, 1)
	require.Contains(t, log.lines[0], "host down")
	require.Contains(t, log.lines[0], "answered 500")
	status.Store(503) // same kind, other detail: still quiet
	syncRound(p)
	require.Len(t, log.lines, 1)
	status.Store(200)
	syncRound(p)
	syncRound(p)
	require.Len(t, log.lines, 2)
	require.Contains(t, log.lines[1], "answering again")
	status.Store(500)
	syncRound(p)
	require.Len(t, log.lines, 3)
	// The same failure is logged again after LogEvery.
	p.mu.Lock()
	p.hosts["h1"].loggedAt = time.Now().Add(-LogEvery)
	p.mu.Unlock()
	syncRound(p)
	require.Len(t, log.lines, 4)
}
