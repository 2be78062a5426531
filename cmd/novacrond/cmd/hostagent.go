package cmd

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"

	"github.com/novacron/novacron/x/vmlifecycle/hostagent"
)

// HostAgentCmd is `novacrond host-agent`: the long-running process of a host operator. It runs
// the VMs placed on the operator's hosts in a simulated hypervisor and reports their status
// transitions (RUNNING, STOPPED, FAILED) with MsgReportVMStatus, signed with --from.
func HostAgentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "host-agent",
		Short: "Run the host agent of a host operator: boot VMs placed on its hosts (simulated) and report their status",
		Long: `Watches the chain (new blocks over CometBFT RPC, hosts and VMs over the vmlifecycle query service)
and, for every VM placed on a host operated by --from:

  SCHEDULED or MIGRATING (to this host) → boots it (--boot-delay), then reports RUNNING
                                          (or FAILED with --fail-vm / --fail-rate / --fail-image)
  STOPPING                               → shuts it down (--stop-delay), then reports STOPPED

Reports of one step go out in one tx (at most --max-batch messages), one tx at a time, each
waited for until committed; a failed batch is retried message by message; errors back off
exponentially. SIGINT/SIGTERM stop the agent cleanly.

Boot failure injection: --fail-vm ID fails that VM's first boot on this agent; --fail-rate P
fails each boot with probability P (seeded by --seed); --fail-image CID (repeatable) fails
every boot of every VM whose on-chain image_cid is exactly CID, reported FAILED with reason
"image CID failed to boot (injected)" (e.g. a canary rollout to a bad image).

With --health-addr host:port it also serves the health endpoint that x/heal's probers read
(register it on the host with --health-endpoint http://host:port):

  GET  /hosts/{host_id}/health  → 200 {"host_id":"h1","seq":123,"vms":[{"id":7,"state":"running","cpu_milli":500,"mem_mib":1024}]}
                                  (404 for a host the agent does not run)
  POST /control (loopback only) ← {"mode":"ok"|"silent"|"late","late_ms":N,"crash_vm":ID,"host_id":"h1",
                                   "fail_image":"CID","fail_images":["CID",...]}

Failure injection: --fail-after D (silent after D), SIGUSR1 (toggle silent), POST /control.
fail_images replaces the set of failing images (seeded from --fail-image; [] clears it),
fail_image adds one; both are agent-wide (not with host_id), apply to boots that begin after
the agent's next step, and are left alone by {"mode":"ok"}.`,
		Example: `novacrond host-agent --from val1 --keyring-backend test --home ~/.novacron --boot-delay 2s
novacrond host-agent --from op --node tcp://127.0.0.1:26657 --chain-id novacron-1 --fail-vm 7 --fail-rate 0.05 --seed 42
novacrond host-agent --from val1 --keyring-backend test --home ~/.novacron --health-addr 127.0.0.1:26680 --fail-after 2m
curl -s http://127.0.0.1:26680/hosts/h1/health
curl -s -X POST -d '{"mode":"late","late_ms":1500,"host_id":"h1"}' http://127.0.0.1:26680/control
novacrond host-agent --from val1 --keyring-backend test --home ~/.novacron --fail-image bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi
curl -s -X POST -d '{"fail_image":"bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"}' http://127.0.0.1:26680/control
curl -s -X POST -d '{"fail_images":[]}' http://127.0.0.1:26680/control`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cctx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			txf, err := tx.NewFactoryCLI(cctx, cmd.Flags())
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed(flags.FlagGas) {
				// Simulate each batch (its gas depends on how many reports it carries).
				txf = txf.WithSimulateAndExecute(true)
				if !cmd.Flags().Changed(flags.FlagGasAdjustment) {
					txf = txf.WithGasAdjustment(1.5)
				}
			}
			chain, err := hostagent.NewNodeChain(cctx, txf)
			if err != nil {
				return err
			}
			cfg, err := hostAgentConfig(cmd)
			if err != nil {
				return err
			}
			hcfg, err := hostagent.HealthConfigFromFlags(cmd.Flags())
			if err != nil {
				return err
			}
			logger := log.NewLogger(cmd.ErrOrStderr()).With("module", "host-agent")
			parent := cmd.Context()
			if parent == nil {
				parent = context.Background()
			}
			ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
			defer stop()
			agent := hostagent.NewAgent(cfg, chain, logger)
			if hcfg.Enabled() {
				health := hostagent.NewHealthServer(hcfg, logger)
				addr, err := health.Listen()
				if err != nil {
					return err
				}
				defer health.Close()
				hostagent.ToggleSilentOnSIGUSR1(ctx, health, logger)
				agent.SetHealth(health)
				logger.Info("health endpoint listening", "url", hostagent.BaseURL(addr)+"/hosts/{host_id}/health",
					"fail_after", hcfg.FailAfter.String())
			}
			logger.Info("host agent started", "operator", chain.Operator(), "boot_delay", cfg.BootDelay.String(),
				"fail_vms", fmt.Sprint(sortedIDs(cfg.FailVMs)), "fail_rate_ppm", cfg.FailRatePPM, "seed", cfg.Seed,
				"fail_images", fmt.Sprint(agent.Planner().FailImages()), "hosts", strings.Join(cfg.HostFilter, ","))
			err = agent.Run(ctx)
			logger.Info("host agent stopped", "reports_sent", agent.Sent, "reports_failed", agent.Failed)
			return err
		},
	}
	cmd.Flags().Duration("boot-delay", 2*time.Second, "simulated boot time of a VM")
	cmd.Flags().Duration("stop-delay", 500*time.Millisecond, "simulated shutdown time of a VM")
	cmd.Flags().StringSlice("fail-vm", nil, "VM ids whose first boot on this agent fails (FAILED is reported)")
	cmd.Flags().Float64("fail-rate", 0, "probability in [0,1] that a boot fails (seeded RNG, see --seed)")
	cmd.Flags().Uint64("seed", 1, "seed of the failure-injection RNG")
	hostagent.AddFailImageFlag(cmd.Flags())
	cmd.Flags().StringSlice("hosts", nil, "only manage these host ids (default: every host of the operator)")
	cmd.Flags().Duration("poll-interval", 500*time.Millisecond, "how often the node is polled for a new block")
	cmd.Flags().Int("max-batch", 16, "at most this many reports per tx")
	cmd.Flags().Int64("resend-after-blocks", 3, "re-send a report the chain has not applied after this many blocks")
	hostagent.AddHealthFlags(cmd.Flags())
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

func hostAgentConfig(cmd *cobra.Command) (hostagent.AgentConfig, error) {
	f := cmd.Flags()
	var cfg hostagent.AgentConfig
	var err error
	if cfg.BootDelay, err = f.GetDuration("boot-delay"); err != nil {
		return cfg, err
	}
	if cfg.StopDelay, err = f.GetDuration("stop-delay"); err != nil {
		return cfg, err
	}
	ids, _ := f.GetStringSlice("fail-vm")
	cfg.FailVMs = map[uint64]bool{}
	for _, s := range ids {
		id, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return cfg, fmt.Errorf("--fail-vm %q: not a VM id", s)
		}
		cfg.FailVMs[id] = true
	}
	rate, _ := f.GetFloat64("fail-rate")
	if rate < 0 || rate > 1 {
		return cfg, fmt.Errorf("--fail-rate %v: want a probability in [0,1]", rate)
	}
	cfg.FailRatePPM = uint32(rate*1_000_000 + 0.5)
	cfg.Seed, _ = f.GetUint64("seed")
	if cfg.FailImages, err = hostagent.FailImagesFromFlags(f); err != nil {
		return cfg, err
	}
	cfg.HostFilter, _ = f.GetStringSlice("hosts")
	cfg.PollInterval, _ = f.GetDuration("poll-interval")
	cfg.MaxBatch, _ = f.GetInt("max-batch")
	cfg.ResendAfterBlocks, _ = f.GetInt64("resend-after-blocks")
	if cfg.BootDelay < 0 || cfg.StopDelay < 0 {
		return cfg, fmt.Errorf("delays must not be negative")
	}
	return cfg, nil
}

func sortedIDs(m map[uint64]bool) []uint64 {
	out := make([]uint64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
