// Package prober is a validator's health prober for x/heal: inside `novacrond start` it probes
// the advertised health endpoint of every registered host, classifies each answer (up, late,
// down) and keeps the latest observation per host for the next vote extension. Probing runs on
// its own goroutines and never blocks consensus: Snapshot returns the cached results at once.
package prober

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/novacron/novacron/x/heal/engine"
)

// Utilisation is quantised before it enters an observation, so that jitter in a VM's usage
// does not make every block a delta against the agreed view: both values are rounded to the
// nearest step, halves up (24 m → 0, 25 m → 50 m; 31 MiB → 0, 32 MiB → 64 MiB).
const (
	CPUStepMilli = 50 // millicores
	MemStepMiB   = 64 // MiB
)

// LogEvery is the least time between two log lines about the same host failing the same way.
// A new kind of failure, and a host answering again, are logged at once.
const LogEvery = time.Minute

// Logger matches cosmossdk.io/log's Logger, so the node passes its own.
type Logger interface {
	Debug(msg string, keyVals ...any)
	Info(msg string, keyVals ...any)
	Error(msg string, keyVals ...any)
}

// NopLogger discards everything.
type NopLogger struct{}

func (NopLogger) Debug(string, ...any) {}
func (NopLogger) Info(string, ...any)  {}
func (NopLogger) Error(string, ...any) {}

// Target is a host to probe: its id and advertised health endpoint (from committed state).
type Target struct {
	HostID   string
	Endpoint string
}

// Observation is the latest probe of one host.
type Observation struct {
	// Host is what the probe saw, in the engine's terms. A down host carries only its status
	// (no RTT bucket, sequence or VMs: the prober learned nothing else).
	Host engine.Host
	// ProbedAt is when the probe's request started.
	ProbedAt time.Time
	// RTT is the time from the request to the end of the response body (to the failure when
	// the host is down).
	RTT time.Duration
	// Reason says why the host is down; empty when it is up or late.
	Reason string
}

// Snapshot is the latest observation of every current target that has been probed at least
// once, by host id. A target added since the last probe round is absent until its first probe
// completes; a target removed is gone. It is the caller's own copy.
type Snapshot struct {
	Hosts map[string]Observation
}

// Failure kinds: the reason of a down host, coarsely, for rate-limited logging.
const (
	kindEndpoint  = "bad-endpoint"
	kindTimeout   = "timeout"
	kindRequest   = "unreachable"
	kindStatus    = "status"
	kindOversized = "oversized"
	kindMalformed = "malformed"
	kindWrongHost = "wrong-host"
	kindSeq       = "seq-backwards"
)

// Prober probes the targets every interval and caches the results.
type Prober struct {
	cfg       Config
	overrides map[string]string
	targets   func() []Target
	log       Logger
	client    *http.Client

	mu      sync.Mutex
	results map[string]Observation // host id → latest observation
	hosts   map[string]*hostState  // current targets
}

// hostState is the prober's memory of one current target; mu guards it.
type hostState struct {
	endpoint string
	pending  bool // a probe is queued or in flight
	haveSeq  bool
	lastSeq  uint64 // highest sequence accepted
	logKind  string // kind of the last failure logged, "" after recovery
	loggedAt time.Time
}

// New returns a prober of the targets that targets returns. targets is called once per round
// on Run's goroutine and must not block (the node reads them from committed state); the
// targets' endpoints are replaced by cfg's endpoint-overrides. logger may be nil.
func New(cfg Config, targets func() []Target, logger Logger) (*Prober, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if targets == nil {
		return nil, errors.New("heal prober: nil targets")
	}
	overrides, err := ParseOverrides(cfg.EndpointOverrides)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = NopLogger{}
	}
	tr := &http.Transport{
		Proxy:                  nil, // probe the host itself, never through an environment proxy
		DialContext:            (&net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:    cfg.Timeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		MaxIdleConnsPerHost:    2, // keep-alive: later probes measure the exchange, not a handshake
		IdleConnTimeout:        90 * time.Second,
		DisableCompression:     true, // max-response-bytes counts the bytes on the wire
		MaxResponseHeaderBytes: 16 << 10,
	}
	return &Prober{
		cfg:       cfg,
		overrides: overrides,
		targets:   targets,
		log:       logger,
		client: &http.Client{
			Transport: tr,
			// A redirect is an answer other than 200: down. Never follow one elsewhere.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		results: map[string]Observation{},
		hosts:   map[string]*hostState{},
	}, nil
}

// Run probes until ctx is done: at once and then every probe-interval it reads the targets,
// forgets the hosts no longer among them and starts a probe of every target not already being
// probed (a host that hangs is probed again after its timeout, not once per tick), with at most
// concurrency probes in flight. It returns nil after ctx is done and the probes in flight have
// returned; at once when the prober is disabled.
func (p *Prober) Run(ctx context.Context) error {
	if !p.cfg.Enabled {
		return nil
	}
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		p.client.CloseIdleConnections()
	}()
	sem := make(chan struct{}, p.cfg.Concurrency)
	tick := time.NewTicker(p.cfg.ProbeInterval)
	defer tick.Stop()
	for {
		for _, s := range p.startRound() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					p.record(s.st, s.t, result{}, false)
					return
				}
				r := p.probe(ctx, s.t)
				<-sem
				p.record(s.st, s.t, r, ctx.Err() == nil)
			}()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

type start struct {
	t  Target
	st *hostState
}

// startRound reads the targets, forgets removed hosts and marks the hosts to probe pending.
func (p *Prober) startRound() []start {
	ts := p.targets()
	want := make(map[string]string, len(ts))
	for _, t := range ts {
		if t.HostID == "" {
			continue
		}
		if u, ok := p.overrides[t.HostID]; ok {
			t.Endpoint = u
		}
		want[t.HostID] = t.Endpoint
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	p.mu.Lock()
	defer p.mu.Unlock()
	for id, st := range p.hosts {
		if ep, ok := want[id]; !ok || ep != st.endpoint {
			// Removed, or its endpoint changed: a new host as far as the prober knows.
			delete(p.hosts, id)
			delete(p.results, id)
		}
	}
	var out []start
	for _, id := range ids {
		st := p.hosts[id]
		if st == nil {
			st = &hostState{endpoint: want[id]}
			p.hosts[id] = st
		}
		if st.pending {
			continue
		}
		st.pending = true
		out = append(out, start{t: Target{HostID: id, Endpoint: want[id]}, st: st})
	}
	return out
}

// result is one probe's outcome; kind is set when the host is down.
type result struct {
	obs  Observation
	kind string
}

// record stores a probe's result (unless keep is false) if its host is still a target with the
// same endpoint, applying the sequence rule: an agent's sequence never goes back.
func (p *Prober) record(st *hostState, t Target, r result, keep bool) {
	var logMsg string
	var logKV []any
	p.mu.Lock()
	st.pending = false
	if !keep || p.hosts[t.HostID] != st {
		p.mu.Unlock()
		return
	}
	if r.kind == "" {
		if st.haveSeq && r.obs.Host.Seq < st.lastSeq {
			r = downResult(r.obs, kindSeq, fmt.Sprintf("sequence went back from %d to %d", st.lastSeq, r.obs.Host.Seq))
		} else {
			st.haveSeq, st.lastSeq = true, r.obs.Host.Seq
		}
	}
	p.results[t.HostID] = r.obs
	now := time.Now()
	switch {
	case r.kind != "" && (r.kind != st.logKind || now.Sub(st.loggedAt) >= LogEvery):
		st.logKind, st.loggedAt = r.kind, now
		logMsg, logKV = "heal probe: host down", []any{"host", t.HostID, "endpoint", t.Endpoint, "kind", r.kind, "reason", r.obs.Reason}
	case r.kind == "" && st.logKind != "":
		st.logKind = ""
		logMsg, logKV = "heal probe: host answering again", []any{"host", t.HostID, "status", r.obs.Host.Status.String(), "rtt", r.obs.RTT}
	}
	p.mu.Unlock()
	if logMsg != "" {
		p.log.Info(logMsg, logKV...)
	}
}

// Snapshot returns the latest observation of every current target. It never waits for a probe:
// it holds the prober's mutex only to copy the table.
func (p *Prober) Snapshot() Snapshot {
	p.mu.Lock()
	hosts := make(map[string]Observation, len(p.results))
	for id, o := range p.results {
		hosts[id] = o
	}
	p.mu.Unlock()
	for id, o := range hosts {
		if o.Host.VMs != nil {
			o.Host.VMs = slices.Clone(o.Host.VMs)
			hosts[id] = o
		}
	}
	return Snapshot{Hosts: hosts}
}

func downResult(obs Observation, kind, reason string) result {
	obs.Host = engine.Host{Status: engine.StatusDown}
	obs.Reason = reason
	return result{obs: obs, kind: kind}
}

// probe sends one GET to the target's endpoint and classifies the answer. It returns within the
// timeout.
func (p *Prober) probe(ctx context.Context, t Target) result {
	start := time.Now()
	obs := Observation{ProbedAt: start}
	down := func(kind, reason string) result {
		obs.RTT = time.Since(start)
		return downResult(obs, kind, reason)
	}
	if err := checkEndpoint(t.Endpoint); err != nil {
		return down(kindEndpoint, err.Error())
	}
	rctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, t.Endpoint, nil)
	if err != nil {
		return down(kindEndpoint, err.Error())
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		if rctx.Err() != nil || isTimeout(err) {
			return down(kindTimeout, fmt.Sprintf("no answer within %s", p.cfg.Timeout))
		}
		return down(kindRequest, err.Error())
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return down(kindStatus, fmt.Sprintf("answered %s", resp.Status))
	}
	limit := p.cfg.MaxResponseBytes
	if resp.ContentLength > limit {
		return down(kindOversized, fmt.Sprintf("response of %d bytes, max %d", resp.ContentLength, limit))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if rctx.Err() != nil || isTimeout(err) {
			return down(kindTimeout, fmt.Sprintf("no complete answer within %s", p.cfg.Timeout))
		}
		return down(kindRequest, "reading the response: "+err.Error())
	}
	if int64(len(body)) > limit {
		return down(kindOversized, fmt.Sprintf("response over %d bytes", limit))
	}
	rtt := time.Since(start)
	if rtt >= p.cfg.Timeout {
		return down(kindTimeout, fmt.Sprintf("answered after %s, timeout %s", rtt, p.cfg.Timeout))
	}
	host, err := ParseHealth(body, t.HostID)
	if err != nil {
		kind := kindMalformed
		if errors.Is(err, errWrongHost) {
			kind = kindWrongHost
		}
		return down(kind, err.Error())
	}
	host.Status = engine.StatusUp
	if rtt > p.cfg.LateThreshold {
		host.Status = engine.StatusLate
	}
	host.RTTBucket = engine.RTTBucket(uint64(rtt.Microseconds()))
	obs.Host, obs.RTT = host, rtt
	return result{obs: obs}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

var errWrongHost = errors.New("wrong host")

type healthJSON struct {
	HostID *string  `json:"host_id"`
	Seq    *uint64  `json:"seq"`
	VMs    []vmJSON `json:"vms"`
}

type vmJSON struct {
	ID       *uint64 `json:"id"`
	State    *string `json:"state"`
	CPUMilli uint64  `json:"cpu_milli"`
	MemMiB   uint64  `json:"mem_mib"`
}

var vmStates = map[string]engine.VMState{
	"running": engine.VMRunning,
	"stopped": engine.VMStopped,
	"crashed": engine.VMCrashed,
}

// ParseHealth parses a host agent's health response,
// {"host_id":"h1","seq":123,"vms":[{"id":7,"state":"running","cpu_milli":500,"mem_mib":1024}]},
// into the host's sequence and VMs (ascending id, utilisation quantised); the status and RTT
// bucket are left to the caller. host_id must be hostID; host_id, seq and each VM's id and
// state (running, stopped or crashed) are required; a VM id may appear once. Unknown fields are
// ignored, trailing data is not.
func ParseHealth(body []byte, hostID string) (engine.Host, error) {
	var h healthJSON
	if err := json.Unmarshal(body, &h); err != nil {
		return engine.Host{}, fmt.Errorf("malformed health response: %w", err)
	}
	switch {
	case h.HostID == nil:
		return engine.Host{}, errors.New("malformed health response: no host_id")
	case *h.HostID != hostID:
		return engine.Host{}, fmt.Errorf("%w: health response of host %q, probed %q", errWrongHost, *h.HostID, hostID)
	case h.Seq == nil:
		return engine.Host{}, errors.New("malformed health response: no seq")
	}
	host := engine.Host{Seq: *h.Seq}
	if len(h.VMs) > 0 {
		host.VMs = make([]engine.VM, 0, len(h.VMs))
	}
	for i, v := range h.VMs {
		switch {
		case v.ID == nil:
			return engine.Host{}, fmt.Errorf("malformed health response: vms[%d] has no id", i)
		case *v.ID == math.MaxUint64:
			return engine.Host{}, fmt.Errorf("malformed health response: vms[%d]: id %d is reserved", i, *v.ID)
		case v.State == nil:
			return engine.Host{}, fmt.Errorf("malformed health response: vm %d has no state", *v.ID)
		}
		st, ok := vmStates[*v.State]
		if !ok {
			return engine.Host{}, fmt.Errorf("malformed health response: vm %d state %q, want running, stopped or crashed", *v.ID, *v.State)
		}
		host.VMs = append(host.VMs, engine.VM{ID: *v.ID, State: st, CPUMilli: QuantiseCPU(v.CPUMilli), MemMiB: QuantiseMem(v.MemMiB)})
	}
	sort.Slice(host.VMs, func(i, j int) bool { return host.VMs[i].ID < host.VMs[j].ID })
	for i := 1; i < len(host.VMs); i++ {
		if host.VMs[i].ID == host.VMs[i-1].ID {
			return engine.Host{}, fmt.Errorf("malformed health response: vm %d listed twice", host.VMs[i].ID)
		}
	}
	return host, nil
}

// QuantiseCPU rounds millicores to the nearest CPUStepMilli, halves up.
func QuantiseCPU(milli uint64) uint64 { return quantise(milli, CPUStepMilli) }

// QuantiseMem rounds MiB to the nearest MemStepMiB, halves up.
func QuantiseMem(mib uint64) uint64 { return quantise(mib, MemStepMiB) }

func quantise(v, step uint64) uint64 {
	q := v / step
	if v%step*2 >= step {
		q++
	}
	return min(q, math.MaxUint64/step) * step
}
