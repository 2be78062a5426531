// Package cli provides the off-chain `quantum` command of novacrond:
//
//	novacrond quantum run FILE.qasm [--shots N] [--seed S] [--backend auto|statevector|stabilizer] --output json
//
// The on-chain seed of a job is engine.DeriveSeed(chain id, height, job id);
// --chain-id/--height/--job-id (or --seed-hex with Result.seed) reproduce it,
// and --chain-limits the chain's engine limits, so the counts match the chain's.
package cli

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/engine/compile"
	"github.com/novacron/novacron/x/quantumjob/engine/qasm"
)

// NewQuantumCmd returns the `quantum` command tree.
func NewQuantumCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quantum",
		Short: "Run the deterministic quantum engine locally (off-chain)",
	}
	cmd.AddCommand(newRunCmd(), newCompileCmd())
	return cmd
}

// Output is the JSON document printed by `quantum run --output json`.
type Output struct {
	Qubits                 int          `json:"qubits"`
	Clbits                 int          `json:"clbits"`
	Backend                string       `json:"backend"`
	GatesBefore            int          `json:"gates_before"`
	DepthBefore            int          `json:"depth_before"`
	GatesAfter             int          `json:"gates_after"`
	DepthAfter             int          `json:"depth_after"`
	FusedOps               int          `json:"fused_ops"`
	Shots                  int          `json:"shots"`
	Seed                   uint64       `json:"seed"`
	SeedHex                string       `json:"seed_hex,omitempty"` // the 32-byte seed, with --seed-hex or --chain-id/--height/--job-id
	Cost                   uint64       `json:"cost"`
	Steps                  uint64       `json:"steps"` // what the work meter counted (<= cost)
	ProbabilitiesExact     bool         `json:"probabilities_exact"`
	ProbabilitiesTruncated bool         `json:"probabilities_truncated,omitempty"`
	Probabilities          entryObject  `json:"probabilities"`
	Counts                 *entryObject `json:"counts,omitempty"`
}

// entryObject is a JSON object of keyed entries written in the order given
// (sorted by key: the bytes encoding/json writes for the same map) without
// building a map first: QFT-20 lists 2^20 outcomes, which as a map took
// seconds and half a GiB to print.
type entryObject struct {
	es    []engine.Entry
	value func(v uint64) string
}

func (o entryObject) MarshalJSON() ([]byte, error) {
	n := 2
	for _, e := range o.es {
		n += len(e.Key) + 16
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, e := range o.es {
		if i > 0 {
			b = append(b, ',')
		}
		if plainKey(e.Key) {
			b = append(b, '"')
			b = append(b, e.Key...)
			b = append(b, '"')
		} else {
			k, err := json.Marshal(e.Key)
			if err != nil {
				return nil, err
			}
			b = append(b, k...)
		}
		b = append(b, ':')
		b = append(b, o.value(e.Value)...)
	}
	return append(b, '}'), nil
}

// plainKey reports whether JSON needs no escaping for k (keys are digits
// and spaces).
func plainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			return false
		}
	}
	return true
}

func readSource(path string, in io.Reader) (string, error) {
	if path == "-" {
		b, err := io.ReadAll(in)
		return string(b), err
	}
	b, err := os.ReadFile(path)
	return string(b), err
}

func newRunCmd() *cobra.Command {
	var (
		shots      int
		seed       uint64
		backend    string
		output     string
		threads    int
		noOptimize bool
		maxQubits  int
		seedHex    string
		chainID    string
		height     int64
		jobID      uint64
		chainLim   bool
		budget     uint64
	)
	cmd := &cobra.Command{
		Use:   "run FILE.qasm",
		Short: "Parse, compile and simulate an OpenQASM 2.0 file",
		Long: `Simulate an OpenQASM 2.0 program and print its outcome distribution.

Probabilities are exact (quantised to 1e-12) and keyed like Qiskit's get_counts:
classical registers in reverse declaration order separated by spaces, each with
its highest bit leftmost. Without measurements every qubit is read (highest
qubit leftmost). Shots are sampled with ChaCha8 seeded from --seed, so the same
file and seed always print the same bytes.

To reproduce an on-chain job's counts, seed it the way the chain does:
--chain-id, --height (the block the job ran in) and --job-id together derive
engine.DeriveSeed, or --seed-hex takes the 64 hex digits of Result.seed; add
--chain-limits to run under the chain's default engine limits (branch bound,
listing bound). --seed, --seed-hex and the chain flags are mutually exclusive.

The run is metered as on chain: parsing, compilation, simulation and read-out
count steps against --budget (default: the chain's default block cost budget,
the most any job can be granted), and a run that needs more stops with the
same budget error the chain records. "cost" is the bound the chain charges
for, "steps" what the run counted. --budget 0 removes the limit.`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := readSource(args[0], cmd.InOrStdin())
			if err != nil {
				return err
			}
			be, err := engine.ParseBackend(backend)
			if err != nil {
				return err
			}
			if output != "json" && output != "text" {
				return fmt.Errorf("unknown --output %q (want json or text)", output)
			}
			seedBytes, derived, err := resolveSeed(cmd, seed, seedHex, chainID, height, jobID)
			if err != nil {
				return err
			}
			lim := engine.DefaultLimits()
			if chainLim {
				lim = engine.ChainLimits()
			}
			if maxQubits > 0 {
				lim.MaxQubitsStateVector = maxQubits
			}
			if budget == 0 {
				budget = meter.Unlimited
			}
			res, err := engine.Run(src, engine.Options{Shots: shots, Seed: seedBytes, Backend: be,
				Limits: lim, Threads: threads, NoOptimize: noOptimize, Budget: budget})
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			out := toOutput(res, seed)
			if derived {
				out.SeedHex = hex.EncodeToString(seedBytes[:])
			}
			w := cmd.OutOrStdout()
			if output == "json" {
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(out); err != nil {
					return err
				}
				_, err = w.Write(buf.Bytes())
				return err
			}
			return writeText(w, res)
		},
	}
	f := cmd.Flags()
	f.IntVar(&shots, "shots", 0, "number of shots to sample (0: probabilities only)")
	f.Uint64Var(&seed, "seed", 0, "seed for shot sampling")
	f.StringVar(&seedHex, "seed-hex", "", "32-byte shot seed as 64 hex digits (an on-chain Result.seed)")
	f.StringVar(&chainID, "chain-id", "", "with --height and --job-id: use the on-chain seed DeriveSeed(chain-id, height, job-id)")
	f.Int64Var(&height, "height", 0, "block height the job ran at (with --chain-id and --job-id)")
	f.Uint64Var(&jobID, "job-id", 0, "on-chain job id (with --chain-id and --height)")
	f.BoolVar(&chainLim, "chain-limits", false, "use the chain's default engine limits (as validators run jobs) instead of the off-chain ones")
	f.StringVar(&backend, "backend", "auto", "simulator: auto, statevector or stabilizer")
	f.StringVarP(&output, "output", "o", "text", "output format: json or text")
	f.IntVar(&threads, "threads", runtime.GOMAXPROCS(0), "state-vector worker threads (results are bit-identical for any value)")
	f.BoolVar(&noOptimize, "no-optimize", false, "skip the optimisation passes")
	f.IntVar(&maxQubits, "max-qubits", 0, "override the state-vector qubit limit")
	f.Uint64Var(&budget, "budget", engine.ChainBudget, "work budget in steps (0: unlimited)")
	return cmd
}

// resolveSeed picks the shot seed from exactly one of --seed (the default, 0),
// --seed-hex, or --chain-id/--height/--job-id; derived reports a 32-byte seed
// given directly or derived the chain's way.
func resolveSeed(cmd *cobra.Command, seed uint64, seedHex, chainID string, height int64, jobID uint64) (s [32]byte, derived bool, err error) {
	f := cmd.Flags()
	chain := 0
	for _, n := range []string{"chain-id", "height", "job-id"} {
		if f.Changed(n) {
			chain++
		}
	}
	sources := 0
	for _, set := range []bool{f.Changed("seed"), f.Changed("seed-hex"), chain > 0} {
		if set {
			sources++
		}
	}
	switch {
	case sources > 1:
		return s, false, errors.New("--seed, --seed-hex and --chain-id/--height/--job-id are mutually exclusive: give one")
	case chain > 0 && chain < 3:
		return s, false, errors.New("--chain-id, --height and --job-id must be given together")
	case chain == 3:
		if chainID == "" {
			return s, false, errors.New("--chain-id must not be empty")
		}
		if height <= 0 {
			return s, false, fmt.Errorf("--height %d: must be positive", height)
		}
		return engine.DeriveSeed(chainID, height, jobID), true, nil
	case f.Changed("seed-hex"):
		b, err := hex.DecodeString(seedHex)
		if err != nil || len(b) != len(s) {
			return s, false, fmt.Errorf("--seed-hex %q: want 64 hex digits (32 bytes)", seedHex)
		}
		copy(s[:], b)
		return s, true, nil
	}
	return engine.SeedFromUint64(seed), false, nil
}

func toOutput(r *engine.Result, seed uint64) *Output {
	o := &Output{Qubits: r.Qubits, Clbits: r.Clbits, Backend: string(r.Backend), GatesBefore: r.GatesBefore,
		DepthBefore: r.DepthBefore, GatesAfter: r.GatesAfter, DepthAfter: r.DepthAfter, FusedOps: r.FusedOps,
		Shots: r.Shots, Seed: seed, Cost: r.Cost, Steps: r.Steps, ProbabilitiesExact: r.ProbabilitiesExact,
		ProbabilitiesTruncated: r.ProbabilitiesTruncated,
		Probabilities:          entryObject{es: r.Probabilities, value: engine.FormatProb}}
	if r.Shots > 0 && len(r.Counts) > 0 {
		o.Counts = &entryObject{es: r.Counts, value: func(v uint64) string { return strconv.FormatUint(v, 10) }}
	}
	return o
}

func writeText(w io.Writer, r *engine.Result) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "backend     %s\nqubits      %d\nclbits      %d\n", r.Backend, r.Qubits, r.Clbits)
	fmt.Fprintf(&b, "gates       %d -> %d\ndepth       %d -> %d\nfused ops   %d\ncost        %d\nsteps       %d\n",
		r.GatesBefore, r.GatesAfter, r.DepthBefore, r.DepthAfter, r.FusedOps, r.Cost, r.Steps)
	exact := "exact"
	if !r.ProbabilitiesExact {
		exact = "estimated from shots"
	}
	if r.ProbabilitiesTruncated {
		fmt.Fprintf(&b, "probabilities: more outcomes than the listing limit (%s)\n", exact)
	} else {
		fmt.Fprintf(&b, "probabilities (%s):\n", exact)
		for _, e := range r.Probabilities {
			fmt.Fprintf(&b, "  %s  %s\n", e.Key, engine.FormatProb(e.Value))
		}
	}
	if r.Shots > 0 {
		fmt.Fprintf(&b, "counts (%d shots):\n", r.Shots)
		for _, e := range r.Counts {
			fmt.Fprintf(&b, "  %s  %d\n", e.Key, e.Value)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func newCompileCmd() *cobra.Command {
	var (
		noOptimize bool
		budget     uint64
	)
	cmd := &cobra.Command{
		Use:          "compile FILE.qasm",
		Short:        "Compile an OpenQASM 2.0 file and print the optimised circuit as OpenQASM 2.0",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := readSource(args[0], cmd.InOrStdin())
			if err != nil {
				return err
			}
			if budget == 0 {
				budget = meter.Unlimited
			}
			m := meter.New(budget)
			c, err := qasm.ParseMetered(src, qasm.DefaultLimits(), m)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			r, err := compile.CompileMetered(c, !noOptimize, m)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			text, err := qasm.Export(r.Circuit)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "gates %d -> %d, depth %d -> %d\n", r.Before.Gates, r.After.Gates, r.Before.Depth, r.After.Depth)
			_, err = io.WriteString(cmd.OutOrStdout(), text)
			return err
		},
	}
	cmd.Flags().BoolVar(&noOptimize, "no-optimize", false, "lower only")
	cmd.Flags().Uint64Var(&budget, "budget", engine.ChainBudget, "work budget in steps (0: unlimited)")
	return cmd
}
