package hostagent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// The health endpoint of the host agent: evidence for x/heal's probers (issue 12).
//
//	GET /hosts/{host_id}/health → 200 application/json, e.g. (byte-exact, no trailing newline)
//	{"host_id":"h1","seq":123,"vms":[{"id":7,"state":"running","cpu_milli":500,"mem_mib":1024}]}
//
// One URL per host the agent runs (the operator's hosts it read from the chain at its last step,
// after --hosts); any other host id is 404. Failure injection (--fail-after, SIGUSR1, POST
// /control from loopback) makes it silent, late, or report a VM as crashed.

// VM states of a HealthVM.
const (
	HealthRunning = "running"
	HealthStopped = "stopped"
	HealthCrashed = "crashed"
)

// Failure modes of the health endpoint.
const (
	ModeOK     = "ok"
	ModeSilent = "silent"
	ModeLate   = "late"
)

// MaxLateMs bounds late_ms of POST /control (10 minutes).
const MaxLateMs = 600_000

// maxSilentHold bounds how long a silent answer holds a connection before closing it.
const maxSilentHold = 10 * time.Minute

// HealthReport is the body of GET /hosts/{host_id}/health. Field order is the JSON order.
type HealthReport struct {
	HostID string `json:"host_id"`
	// Seq increases by at least 1 on every 200 answer for this host: max(previous+1, unix time
	// in ms). It never goes back within a process and, as long as a host is asked at most once
	// per millisecond on average, a restarted agent starts above where the previous one ended.
	Seq uint64     `json:"seq"`
	VMs []HealthVM `json:"vms"`
}

// HealthVM is one VM of a HealthReport; VMs are listed by ascending id.
type HealthVM struct {
	ID uint64 `json:"id"`
	// State is "running", "stopped" or "crashed".
	State string `json:"state"`
	// CPUMilli and MemMiB: the VM's utilisation (0 unless running), see Utilisation.
	CPUMilli uint64 `json:"cpu_milli"`
	MemMiB   uint64 `json:"mem_mib"`
}

// ControlRequest is the body of POST /control; every field is optional.
//
//   - mode "ok" | "silent" | "late" (late needs late_ms in 1..MaxLateMs). With host_id it
//     applies to that host only (overriding the agent-wide mode); without, it sets the
//     agent-wide mode and drops every per-host override — "ok" without host_id is a full
//     reset: every host answers and no VM is reported crashed.
//   - crash_vm: report this VM (on one of the agent's hosts; on host_id if given) as crashed
//     from now on, until the chain acts on it (its updated_height changes: restart, stop,
//     migration) or it leaves the agent's hosts.
//   - fail_images: replaces the set of image CIDs whose boots fail (seeded from --fail-image;
//     [] clears it, absent or null leaves it); fail_image adds one CID to it (after
//     fail_images). Agent-wide: not with host_id. Every CID must pass types.ValidateCID. The
//     agent picks the set up at its next step and applies it to boots that begin from then on
//     (see Config.FailImages). A mode, "ok" included, does not change it.
type ControlRequest struct {
	Mode       string   `json:"mode,omitempty"`
	LateMs     uint64   `json:"late_ms,omitempty"`
	CrashVM    uint64   `json:"crash_vm,omitempty"`
	HostID     string   `json:"host_id,omitempty"`
	FailImage  string   `json:"fail_image,omitempty"`
	FailImages []string `json:"fail_images,omitempty"`
}

// ModeState is a failure mode with its delay.
type ModeState struct {
	Mode   string `json:"mode"`
	LateMs uint64 `json:"late_ms"`
}

// ControlState is the answer of /control: the failure injection in effect.
type ControlState struct {
	ModeState
	Hosts      map[string]ModeState `json:"hosts"`
	CrashedVMs []uint64             `json:"crashed_vms"`
	// FailAfterFired: --fail-after has elapsed and made the agent silent.
	FailAfterFired bool `json:"fail_after_fired"`
	// FailImages: the image CIDs whose boots fail, sorted (always a list).
	FailImages []string `json:"fail_images"`
}

// HealthConfig configures the health server (flags --health-addr, --fail-after).
type HealthConfig struct {
	// Addr is the listen address; empty or port 0 disables the health server.
	Addr string
	// FailAfter > 0: this long after the server was created, it goes silent (as SIGUSR1 or
	// {"mode":"silent"} would); {"mode":"ok"} or SIGUSR1 revives it.
	FailAfter time.Duration
}

// Enabled reports whether a health server should run.
func (c HealthConfig) Enabled() bool {
	if c.Addr == "" {
		return false
	}
	_, port, err := net.SplitHostPort(c.Addr)
	return err == nil && port != "0"
}

type healthVM struct {
	id      uint64
	phase   Phase
	res     types.Resources
	updated int64
}

// HealthServer serves the health and control endpoints from the snapshot the agent publishes
// after each step (Update). Safe for concurrent use.
type HealthServer struct {
	cfg     HealthConfig
	now     func() time.Time
	log     Logger
	created time.Time
	done    chan struct{}
	once    sync.Once

	mu        sync.Mutex
	vms       map[string][]healthVM // host id → VMs by id; the keys are the known hosts
	seq       map[string]uint64
	global    ModeState
	perHost   map[string]ModeState
	crashed   map[uint64]int64 // vm id → its updated_height when the crash was injected
	failImg   map[string]bool  // image CIDs whose boots fail (the agent reads them each step)
	failFired bool
	srv       *http.Server
}

// NewHealthServer returns a server with no hosts yet; --fail-after counts from now.
func NewHealthServer(cfg HealthConfig, log Logger) *HealthServer {
	return newHealthServer(cfg, log, time.Now)
}

func newHealthServer(cfg HealthConfig, log Logger, now func() time.Time) *HealthServer {
	return &HealthServer{cfg: cfg, now: now, log: log, created: now(), done: make(chan struct{}),
		vms: map[string][]healthVM{}, seq: map[string]uint64{}, global: ModeState{Mode: ModeOK},
		perHost: map[string]ModeState{}, crashed: map[uint64]int64{}, failImg: map[string]bool{}}
}

// SetFailImages replaces the set of image CIDs whose boots fail (the agent seeds it from
// --fail-image in SetHealth).
func (s *HealthServer) SetFailImages(cids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failImg = make(map[string]bool, len(cids))
	for _, c := range cids {
		s.failImg[c] = true
	}
}

// FailImages lists the image CIDs whose boots fail, sorted.
func (s *HealthServer) FailImages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedSet(s.failImg)
}

// Update publishes the agent's view: the hosts it runs and, for the VMs on them (as the chain
// lists them), the simulated hypervisor's instances. Booting VMs are "stopped" (not running
// yet), stopping ones "running" (until shut down), failed ones "crashed"; VMs without an
// instance (PENDING, DELETED) are not listed.
func (s *HealthServer) Update(hostIDs []string, vms []types.VM, inst []Instance) {
	phase := make(map[uint64]Instance, len(inst))
	for _, in := range inst {
		phase[in.VMID] = in
	}
	next := make(map[string][]healthVM, len(hostIDs))
	for _, h := range hostIDs {
		next[h] = []healthVM{}
	}
	onHost := map[uint64]int64{}
	for _, vm := range vms {
		in, ok := phase[vm.Id]
		list, known := next[vm.HostId]
		if !ok || !known || in.HostID != vm.HostId {
			continue
		}
		next[vm.HostId] = append(list, healthVM{id: vm.Id, phase: in.Phase, res: vm.Resources, updated: vm.UpdatedHeight})
		onHost[vm.Id] = vm.UpdatedHeight
	}
	for h := range next {
		sort.Slice(next[h], func(i, j int) bool { return next[h][i].id < next[h][j].id })
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vms = next
	for id, at := range s.crashed {
		if upd, ok := onHost[id]; !ok || upd != at {
			delete(s.crashed, id) // the chain acted on it, or it left: the crash is over
		}
	}
	for h := range s.perHost {
		if _, ok := next[h]; !ok {
			delete(s.perHost, h)
		}
	}
}

// splitmix64 is a fixed mixing function (jitter must not depend on a Go version's RNG).
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// share is v·pct/100 without overflow.
func share(v, pct uint64) uint64 { return v/100*pct + v%100*pct/100 }

// Utilisation is the simulated utilisation of a running VM in the answer with sequence number
// seq: cpu 40..60 % of its requested cpu_millis and memory 65..75 % of its memory_mib, the
// percentages drawn from splitmix64(vm id ⊕ seq·φ) — deterministic in (vm id, resources, seq),
// bounded, and different from one answer to the next.
func Utilisation(vmID uint64, r types.Resources, seq uint64) (cpuMilli, memMiB uint64) {
	x := splitmix64(vmID ^ seq*0x9e3779b97f4a7c15)
	return share(r.CpuMillis, 40+x%21), share(r.MemoryMib, 65+(x>>32)%11)
}

// effective returns the mode for host, after applying --fail-after. Caller holds s.mu.
func (s *HealthServer) effective(host string) ModeState {
	if s.cfg.FailAfter > 0 && !s.failFired && s.now().Sub(s.created) >= s.cfg.FailAfter {
		s.failFired = true
		s.global = ModeState{Mode: ModeSilent}
		clear(s.perHost)
		if s.log != nil {
			s.log.Info("health endpoint silent (--fail-after elapsed)", "fail_after", s.cfg.FailAfter.String())
		}
	}
	if m, ok := s.perHost[host]; ok {
		return m
	}
	return s.global
}

// report builds the answer for a host and advances its seq; ok is false for an unknown host.
func (s *HealthServer) report(host string) (HealthReport, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vms, ok := s.vms[host]
	if !ok {
		return HealthReport{}, false
	}
	seq := s.seq[host] + 1
	if ms := s.now().UnixMilli(); ms > 0 && uint64(ms) > seq {
		seq = uint64(ms)
	}
	s.seq[host] = seq
	out := HealthReport{HostID: host, Seq: seq, VMs: make([]HealthVM, 0, len(vms))}
	for _, vm := range vms {
		hv := HealthVM{ID: vm.id}
		_, crashed := s.crashed[vm.id]
		switch {
		case crashed || vm.phase == PhaseFailed:
			hv.State = HealthCrashed
		case vm.phase == PhaseRunning || vm.phase == PhaseStopping:
			hv.State = HealthRunning
			hv.CPUMilli, hv.MemMiB = Utilisation(vm.id, vm.res, seq)
		default: // booting, stopped
			hv.State = HealthStopped
		}
		out.VMs = append(out.VMs, hv)
	}
	return out, true
}

// Handler serves GET /hosts/{host_id}/health and, from loopback only, GET and POST /control.
func (s *HealthServer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hosts/{host_id}/health", s.serveHealth)
	mux.HandleFunc("GET /control", s.serveControl)
	mux.HandleFunc("POST /control", s.serveControl)
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

func writeErr(w http.ResponseWriter, code int, format string, args ...any) {
	writeJSON(w, code, map[string]string{"error": fmt.Sprintf(format, args...)})
}

func (s *HealthServer) serveHealth(w http.ResponseWriter, r *http.Request) {
	host := r.PathValue("host_id")
	s.mu.Lock()
	mode := s.effective(host) // the agent-wide mode for unknown hosts: silent is silent to all
	s.mu.Unlock()
	switch mode.Mode {
	case ModeSilent:
		s.holdSilent(w, r)
		return
	case ModeLate:
		t := time.NewTimer(time.Duration(mode.LateMs) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
	rep, ok := s.report(host)
	if !ok {
		writeErr(w, http.StatusNotFound, "unknown host %q", host)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// holdSilent takes over the connection and never answers: it is closed when the client gives
// up (closes it), the server shuts down, or after maxSilentHold — whichever comes first.
func (s *HealthServer) holdSilent(w http.ResponseWriter, r *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok { // e.g. HTTP/2: hold the request instead
		select {
		case <-r.Context().Done():
		case <-s.done:
		case <-time.After(maxSilentHold):
		}
		panic(http.ErrAbortHandler) // abort without a response
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, conn) // returns when the client closes, or conn.Close below
		close(closed)
	}()
	t := time.NewTimer(maxSilentHold)
	defer t.Stop()
	select {
	case <-closed:
	case <-s.done:
	case <-t.C:
	}
	_ = conn.Close()
	<-closed
}

func isLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *HealthServer) serveControl(w http.ResponseWriter, r *http.Request) {
	if !isLoopback(r.RemoteAddr) {
		writeErr(w, http.StatusForbidden, "the control endpoint answers loopback clients only")
		return
	}
	if r.Method == http.MethodPost {
		var req ControlRequest
		dec := json.NewDecoder(io.LimitReader(r.Body, 4096))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeErr(w, http.StatusBadRequest, "control request: %v", err)
			return
		}
		if code, err := s.Control(req); err != nil {
			writeErr(w, code, "%v", err)
			return
		}
	}
	writeJSON(w, http.StatusOK, s.ControlState())
}

// Control applies a control request (see ControlRequest); on error it changes nothing and
// returns the HTTP status to answer with.
func (s *HealthServer) Control(req ControlRequest) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.effective("") // let --fail-after fire first, so that a later "ok" wins over it
	var m ModeState
	switch req.Mode {
	case "":
		if req.LateMs != 0 {
			return http.StatusBadRequest, errors.New("late_ms without mode \"late\"")
		}
	case ModeOK, ModeSilent:
		if req.LateMs != 0 {
			return http.StatusBadRequest, fmt.Errorf("late_ms with mode %q", req.Mode)
		}
		m = ModeState{Mode: req.Mode}
	case ModeLate:
		if req.LateMs == 0 || req.LateMs > MaxLateMs {
			return http.StatusBadRequest, fmt.Errorf("mode \"late\" needs late_ms in 1..%d", MaxLateMs)
		}
		m = ModeState{Mode: ModeLate, LateMs: req.LateMs}
	default:
		return http.StatusBadRequest, fmt.Errorf("mode %q: want ok, silent or late", req.Mode)
	}
	var images map[string]bool
	if req.FailImages != nil || req.FailImage != "" {
		if req.HostID != "" {
			return http.StatusBadRequest, errors.New("fail_image and fail_images are agent-wide: not with host_id")
		}
		var err error
		if images, err = FailImageSet(req.FailImages); err != nil {
			return http.StatusBadRequest, fmt.Errorf("fail_images: %v", err)
		}
		if req.FailImages == nil {
			images = copySet(s.failImg)
		}
		if req.FailImage != "" {
			if err := types.ValidateCID(req.FailImage); err != nil {
				return http.StatusBadRequest, fmt.Errorf("fail_image %q: %v", req.FailImage, err)
			}
			images[req.FailImage] = true
		}
	}
	if req.HostID != "" {
		if _, ok := s.vms[req.HostID]; !ok {
			return http.StatusNotFound, fmt.Errorf("unknown host %q", req.HostID)
		}
	}
	var crashAt int64
	if req.CrashVM != 0 {
		found := false
		for h, vms := range s.vms {
			if req.HostID != "" && h != req.HostID {
				continue
			}
			for _, vm := range vms {
				if vm.id == req.CrashVM {
					found, crashAt = true, vm.updated
				}
			}
		}
		if !found {
			where := "the agent's hosts"
			if req.HostID != "" {
				where = "host " + req.HostID
			}
			return http.StatusNotFound, fmt.Errorf("vm %d is not on %s", req.CrashVM, where)
		}
	}
	if req.Mode != "" {
		if req.HostID != "" {
			s.perHost[req.HostID] = m
		} else {
			s.global = m
			clear(s.perHost)
			if m.Mode == ModeOK {
				clear(s.crashed)
			}
		}
	}
	if req.CrashVM != 0 {
		s.crashed[req.CrashVM] = crashAt
	}
	if images != nil {
		s.failImg = images
	}
	if s.log != nil {
		s.log.Info("health failure injection", "mode", req.Mode, "late_ms", req.LateMs, "host", req.HostID, "crash_vm", req.CrashVM,
			"fail_images", fmt.Sprint(sortedSet(s.failImg)))
	}
	return http.StatusOK, nil
}

// ToggleSilent switches the agent-wide mode between silent and ok (SIGUSR1); per-host
// overrides are dropped. It returns the new mode.
func (s *HealthServer) ToggleSilent() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.effective("")
	if s.global.Mode == ModeSilent {
		s.global = ModeState{Mode: ModeOK}
	} else {
		s.global = ModeState{Mode: ModeSilent}
	}
	clear(s.perHost)
	return s.global.Mode
}

// ControlState is the failure injection in effect.
func (s *HealthServer) ControlState() ControlState {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.effective("")
	st := ControlState{ModeState: s.global, Hosts: map[string]ModeState{}, CrashedVMs: []uint64{}, FailAfterFired: s.failFired,
		FailImages: sortedSet(s.failImg)}
	for h, m := range s.perHost {
		st.Hosts[h] = m
	}
	for id := range s.crashed {
		st.CrashedVMs = append(st.CrashedVMs, id)
	}
	sort.Slice(st.CrashedVMs, func(i, j int) bool { return st.CrashedVMs[i] < st.CrashedVMs[j] })
	return st
}

// Hosts lists the hosts the server answers for, sorted.
func (s *HealthServer) Hosts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.vms))
	for h := range s.vms {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// Listen binds cfg.Addr and serves in the background; it returns the bound address. Close
// stops it.
func (s *HealthServer) Listen() (net.Addr, error) {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("health endpoint: %w", err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && s.log != nil {
			s.log.Error("health endpoint stopped", "err", err)
		}
	}()
	return ln.Addr(), nil
}

// Close stops the server and releases held (silent or late) requests.
func (s *HealthServer) Close() error {
	s.once.Do(func() { close(s.done) })
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// BaseURL is the endpoint to register on chain (--health-endpoint) for a bound address.
func BaseURL(addr net.Addr) string {
	return "http://" + addr.String()
}
