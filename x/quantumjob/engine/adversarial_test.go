package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/engine/qasm"
)

// adversarialBudget is the budget the corpus runs under: the default block
// cost budget of x/quantumjob, the most one job may ever be granted.
const adversarialBudget = engine.ChainBudget

// checkTxBudget is x/quantumjob's default max_check_steps.
const checkTxBudget = 20_000_000

func adversarialCorpus(tb testing.TB) map[string]string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "adversarial", "*.qasm"))
	if err != nil || len(files) < 10 {
		tb.Fatalf("adversarial corpus: %d files, %v", len(files), err)
	}
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(f)] = string(b)
	}
	return out
}

// typedEngineError reports whether err is one of the engine's typed
// rejections (never an untyped failure or a panic).
func typedEngineError(err error) bool {
	var qe *qasm.Error
	return errors.Is(err, engine.ErrBudget) || errors.Is(err, engine.ErrTooLarge) || errors.Is(err, engine.ErrNotCliff) ||
		errors.Is(err, engine.ErrOpaque) || errors.Is(err, engine.ErrBadOption) || errors.Is(err, engine.ErrParamRange) || errors.As(err, &qe)
}

// checkMetered runs src under budget and asserts the meter's contract: a
// run never counts more than its budget; a successful run counts at most
// its cost, succeeds again under exactly its steps and fails one step
// below; a failure is typed.
func checkMetered(t *testing.T, name, src string, o engine.Options) (*engine.Result, error) {
	t.Helper()
	r, err := engine.Run(src, o)
	if err != nil {
		if !typedEngineError(err) {
			t.Errorf("%s: untyped error %v", name, err)
		}
		return nil, err
	}
	if r.Steps > o.Budget && o.Budget != 0 || r.Steps > r.Cost || r.Steps == 0 {
		t.Errorf("%s: steps %d, cost %d, budget %d", name, r.Steps, r.Cost, o.Budget)
	}
	o.Budget = r.Steps
	if r2, err := engine.Run(src, o); err != nil || r2.Steps != r.Steps {
		t.Errorf("%s: rerun under its own steps: %v", name, err)
	}
	o.Budget = r.Steps - 1
	if _, err := engine.Run(src, o); !errors.Is(err, engine.ErrBudget) {
		t.Errorf("%s: one step short must fail with the budget error, got %v", name, err)
	}
	return r, nil
}

// Every adversarial input stays within its budget: planning under the
// CheckTx budget and full runs under the block budget, with chain limits
// and with the CLI's wider limits.
func TestAdversarialCorpus(t *testing.T) {
	for name, src := range adversarialCorpus(t) {
		for _, lim := range []engine.Limits{engine.ChainLimits(), engine.DefaultLimits()} {
			e, err := engine.EstimateSource(src, engine.BackendAuto, 1024, lim, checkTxBudget)
			if e.PlanSteps > checkTxBudget || (err != nil && !typedEngineError(err)) {
				t.Errorf("%s: planning %+v %v", name, e, err)
			}
			start := time.Now()
			r, err := checkMetered(t, name, src, engine.Options{Shots: 1024, Limits: lim, Budget: adversarialBudget})
			t.Logf("%-28s maxqubits %5d: %v %v (%v)", name, lim.MaxQubitsStateVector, resultSummary(r), err, time.Since(start))
		}
	}
	// the node-freeze input of issue 10 is cut off in planning
	src := adversarialCorpus(t)["expansion_bomb_empty.qasm"]
	if _, err := engine.EstimateSource(src, engine.BackendAuto, 0, engine.ChainLimits(), checkTxBudget); !errors.Is(err, engine.ErrBudget) {
		t.Fatalf("expansion bomb: %v", err)
	}
}

func resultSummary(r *engine.Result) string {
	if r == nil {
		return "-"
	}
	return string(r.Backend) + " steps " + itoa(r.Steps) + " cost " + itoa(r.Cost)
}

func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		if v /= 10; v == 0 {
			return string(b[i:])
		}
	}
}

// BenchmarkAdversarial reports wall time per metered step for every corpus
// input that runs: the bound the gas price per step relies on.
func BenchmarkAdversarial(b *testing.B) {
	for name, src := range adversarialCorpus(b) {
		b.Run(name, func(b *testing.B) {
			o := engine.Options{Shots: 1024, Limits: engine.DefaultLimits(), Budget: adversarialBudget}
			var steps uint64
			for i := 0; i < b.N; i++ {
				r, err := engine.Run(src, o)
				switch {
				case err == nil:
					steps = r.Steps
				case errors.Is(err, engine.ErrBudget):
					steps = o.Budget // stopped at its budget
				case typedEngineError(err):
					b.Skip("rejected by a limit before any budget is used:", err)
				default:
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(steps), "steps")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(steps), "ns/step")
		})
	}
}
