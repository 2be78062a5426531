package types

import (
	"errors"

	"github.com/novacron/novacron/x/internal/meter"
)

// Work budgets of the orbit engine's meter (x/internal/meter). A step is about a nanosecond
// of single-core work on the reference machine (the engine's Metered benchmarks report the
// measured ns/step, which must stay at most ~2.5); a unit of the engine's cost estimate
// (cost_units_per_gas, max_snapshot_cost) is about 10 ns. Both conversions are constants so
// that no proto field is needed.
const (
	// StepsPerCostUnit converts cost units into steps: a query gets
	// cost_units_per_gas × StepsPerCostUnit steps per gas it has left (100 by default), and
	// pays ceil(steps used / that) gas.
	StepsPerCostUnit = 10
	// SnapshotStepsPerCostUnit bounds EndBlock: the snapshot runs under
	// max_snapshot_cost × SnapshotStepsPerCostUnit steps (300 M by default), twice the
	// estimate's time, because the meter also counts the network set-up (TLE source and SGP4
	// set-up of every satellite, charged on a cache hit too) that the estimate leaves out.
	SnapshotStepsPerCostUnit = 20
)

// QueryStepsPerGas is the steps one gas pays for in a query (saturating).
func (p Params) QueryStepsPerGas() uint64 {
	return max(meter.Mul(p.CostUnitsPerGas, StepsPerCostUnit), 1)
}

// QueryStepBudget is the step budget of a query with gasRemaining gas left (saturating).
func (p Params) QueryStepBudget(gasRemaining uint64) uint64 {
	return meter.Mul(gasRemaining, p.QueryStepsPerGas())
}

// GasForSteps is the gas a query pays for the steps it used, rounded up. It never exceeds
// the gas left when the budget was QueryStepBudget(gas left), since steps never pass it.
func (p Params) GasForSteps(steps uint64) uint64 {
	return meter.GasFor(steps, p.QueryStepsPerGas())
}

// SnapshotStepBudget is the step budget of EndBlock's latency snapshot (saturating).
func (p Params) SnapshotStepBudget() uint64 {
	return meter.Mul(p.MaxSnapshotCost, SnapshotStepsPerCostUnit)
}

// WrapBudget maps the meter's *meter.BudgetError to ErrBudgetExceeded (keeping the stage
// and the numbers, so the text is the same on every validator); other errors pass through.
func WrapBudget(err error) error {
	var be *meter.BudgetError
	if errors.As(err, &be) {
		return ErrBudgetExceeded.Wrapf("%s needs %d steps, budget %d", be.Stage, be.Need, be.Budget)
	}
	return err
}
