package hostagent

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Chain is what the agent needs from a node.
type Chain interface {
	// Height is the latest committed height.
	Height(ctx context.Context) (int64, error)
	// Hosts lists the hosts operated by the agent's operator.
	Hosts(ctx context.Context) ([]types.Host, error)
	// VMsOnHost lists the VMs currently placed on a host.
	VMsOnHost(ctx context.Context, hostID string) ([]types.VM, error)
	// MigratedFrom is the state a MIGRATING VM was in before its migration began (audit log).
	MigratedFrom(ctx context.Context, vmID uint64) (types.VMState, error)
	// Report signs one tx carrying every report (MsgReportVMStatus each), broadcasts it and waits
	// until it is committed. An error means nothing of it was applied (a tx is atomic).
	Report(ctx context.Context, reports []Report) error
}

// Logger is the subset of a structured logger the agent uses.
type Logger interface {
	Info(msg string, keyVals ...any)
	Error(msg string, keyVals ...any)
}

// AgentConfig configures the loop.
type AgentConfig struct {
	Config
	// HostFilter, if non-empty, restricts the agent to these host ids (of its operator).
	HostFilter []string
	// PollInterval: how often the latest height is polled (default 500ms).
	PollInterval time.Duration
	// MaxBatch: at most this many reports in one tx (default 16).
	MaxBatch int
	// MaxBackoff caps the exponential backoff after errors (default 10s).
	MaxBackoff time.Duration
}

// Agent is the host agent loop.
type Agent struct {
	cfg     AgentConfig
	chain   Chain
	log     Logger
	planner *Planner
	now     func() time.Time

	lastHeight int64
	// migratedFrom caches Chain.MigratedFrom per (vm, updated_height).
	migratedFrom map[[2]uint64]types.VMState
	retry        bool // the last step had a failed report: step again without waiting for a block
	health       *HealthServer
	// Stats, for logs and tests.
	Sent, Failed int
}

// NewAgent builds an agent over a chain client.
func NewAgent(cfg AgentConfig, chain Chain, log Logger) *Agent {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 500 * time.Millisecond
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 16
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 10 * time.Second
	}
	return &Agent{cfg: cfg, chain: chain, log: log, planner: NewPlanner(cfg.Config), now: time.Now,
		migratedFrom: map[[2]uint64]types.VMState{}}
}

// SetHealth makes every step publish the agent's view (its hosts, the VMs on them and their
// simulated state) to a health server. The server then holds the failing images (seeded here
// from Config.FailImages, changed by POST /control); each step reads them before planning.
func (a *Agent) SetHealth(h *HealthServer) {
	a.health = h
	if h != nil {
		h.SetFailImages(a.planner.FailImages())
	}
}

// Planner exposes the decision logic (for tests and status output).
func (a *Agent) Planner() *Planner { return a.planner }

// Run loops until ctx is cancelled (SIGINT/SIGTERM in the command): poll the height; on a new
// block, or when a simulated boot/stop completes, read the VMs on the operator's hosts, plan and
// report. Errors are logged and retried with exponential backoff; Run returns nil on
// cancellation.
func (a *Agent) Run(ctx context.Context) error {
	backoff := time.Duration(0)
	for {
		wait := a.cfg.PollInterval
		if backoff > 0 {
			wait = backoff
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		if err := a.Step(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			backoff = min(max(2*backoff, a.cfg.PollInterval), a.cfg.MaxBackoff)
			a.log.Error("host agent step failed; retrying", "err", err, "backoff", backoff)
			continue
		}
		backoff = 0
	}
}

// Step runs one iteration: it returns early if there is neither a new block nor a due boot/stop.
func (a *Agent) Step(ctx context.Context) error {
	h, err := a.chain.Height(ctx)
	if err != nil {
		return fmt.Errorf("height: %w", err)
	}
	now := a.now()
	due := a.planner.NextDue()
	if h == a.lastHeight && !a.retry && (due.IsZero() || now.Before(due)) {
		return nil
	}
	hostIDs, vms, err := a.observe(ctx)
	if err != nil {
		a.retry = true
		return err
	}
	from := map[uint64]types.VMState{}
	cache := map[[2]uint64]types.VMState{}
	for _, vm := range vms {
		if vm.State != types.VM_STATE_MIGRATING {
			continue
		}
		key := [2]uint64{vm.Id, uint64(vm.UpdatedHeight)}
		st, ok := a.migratedFrom[key]
		if !ok {
			if st, err = a.chain.MigratedFrom(ctx, vm.Id); err != nil {
				a.retry = true
				return fmt.Errorf("audit of vm %d: %w", vm.Id, err)
			}
		}
		cache[key], from[vm.Id] = st, st
	}
	a.migratedFrom = cache
	if a.health != nil {
		a.planner.SetFailImages(a.health.FailImages())
	}
	reports := a.planner.Plan(now, h, vms, from)
	a.lastHeight = h
	if a.health != nil {
		a.health.Update(hostIDs, vms, a.planner.Instances())
	}
	var errs []error
	for len(reports) > 0 {
		n := min(len(reports), a.cfg.MaxBatch)
		batch := reports[:n]
		reports = reports[n:]
		if err := a.send(ctx, batch); err != nil {
			errs = append(errs, err)
		}
	}
	a.retry = len(errs) > 0
	return errors.Join(errs...)
}

// send reports a batch in one tx; if the tx fails, each report is retried in its own tx so that
// one stale report (the VM changed state meanwhile) does not block the others. Reports that still
// fail are forgotten by the planner and recomputed from fresh state at the next step.
func (a *Agent) send(ctx context.Context, batch []Report) error {
	err := a.chain.Report(ctx, batch)
	if err == nil {
		a.Sent += len(batch)
		for _, r := range batch {
			a.log.Info("reported", "vm", r.VMID, "host", r.HostID, "status", r.Status.String(), "reason", r.Reason)
		}
		return nil
	}
	if len(batch) == 1 || ctx.Err() != nil {
		a.Failed += len(batch)
		a.planner.Forget(batch)
		return fmt.Errorf("report %v: %w", batch, err)
	}
	a.log.Error("batch report failed; sending one by one", "n", len(batch), "err", err)
	var errs []error
	for _, r := range batch {
		if err := a.send(ctx, []Report{r}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// observe lists the agent's hosts (sorted) and the VMs on them.
func (a *Agent) observe(ctx context.Context) ([]string, []types.VM, error) {
	hosts, err := a.chain.Hosts(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("hosts: %w", err)
	}
	filter := map[string]bool{}
	for _, h := range a.cfg.HostFilter {
		filter[h] = true
	}
	ids := make([]string, 0, len(hosts))
	for _, h := range hosts {
		if len(filter) == 0 || filter[h.Id] {
			ids = append(ids, h.Id)
		}
	}
	sort.Strings(ids)
	var vms []types.VM
	for _, id := range ids {
		v, err := a.chain.VMsOnHost(ctx, id)
		if err != nil {
			return nil, nil, fmt.Errorf("vms on %s: %w", id, err)
		}
		for _, vm := range v {
			if vm.HostId == id { // defensive: only VMs placed here now
				vms = append(vms, vm)
			}
		}
	}
	return ids, vms, nil
}
