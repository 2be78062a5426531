// Package meter is the deterministic work meter every pure engine runs
// under. An engine charges the work its loops are about to do (expansion
// calls, scanned entries, amplitude updates, tableau words, SGP4 set-ups,
// candidate hosts) before doing it; once the total would pass the budget the
// charge fails with a *BudgetError and the engine stops. Budgets and counts
// are integers, so every validator stops at the same step with the same
// error text.
//
// It imports nothing from the SDK: keepers derive the budget from the gas a
// transaction paid and charge Used() back as gas.
package meter

import (
	"errors"
	"fmt"
	"math/bits"
)

// ErrBudgetExceeded is matched with errors.Is by callers that map the
// meter's error to their own registered code.
var ErrBudgetExceeded = errors.New("work budget exceeded")

// Unlimited is a budget that never runs out (off-chain tools that opt out).
const Unlimited = ^uint64(0)

// BudgetError is the error of a charge that does not fit.
type BudgetError struct {
	Stage  string // what was charged ("qasm expansion", "statevector", ...)
	Need   uint64 // steps used had the charge succeeded (saturating)
	Budget uint64
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("%v: %s needs %d steps, budget %d", ErrBudgetExceeded, e.Stage, e.Need, e.Budget)
}

func (e *BudgetError) Unwrap() error { return ErrBudgetExceeded }

// Meter counts steps against a budget. The zero value has a zero budget; a
// nil *Meter is unmetered (every charge succeeds, nothing is counted).
type Meter struct {
	used, budget uint64
}

// New returns a meter with the given budget.
func New(budget uint64) *Meter { return &Meter{budget: budget} }

// Charge adds n steps. It fails, charging nothing, when the total would pass
// the budget: work is charged before it is done, so a failed charge means
// the work never ran.
func (m *Meter) Charge(stage string, n uint64) error {
	if m == nil {
		return nil
	}
	s, c := bits.Add64(m.used, n, 0)
	if c != 0 {
		s = ^uint64(0)
	}
	if s > m.budget {
		return &BudgetError{Stage: stage, Need: s, Budget: m.budget}
	}
	m.used = s
	return nil
}

// Used is the number of steps charged so far.
func (m *Meter) Used() uint64 {
	if m == nil {
		return 0
	}
	return m.used
}

// Budget is the meter's budget.
func (m *Meter) Budget() uint64 {
	if m == nil {
		return Unlimited
	}
	return m.budget
}

// Remaining is the budget left.
func (m *Meter) Remaining() uint64 {
	if m == nil {
		return Unlimited
	}
	return m.budget - m.used
}

// Mul is a saturating product, for charges of the form count x size.
func Mul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return ^uint64(0)
	}
	return lo
}

// Add is a saturating sum.
func Add(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return ^uint64(0)
	}
	return s
}

// Pow2 is 2^k, saturating.
func Pow2(k int) uint64 {
	if k >= 64 {
		return ^uint64(0)
	}
	if k < 0 {
		return 0
	}
	return 1 << k
}

// GasFor is the gas that pays for steps at stepsPerGas steps per unit, rounded up: the
// conversion every keeper charges its engines' steps back with (stepsPerGas > 0).
func GasFor(steps, stepsPerGas uint64) uint64 {
	return steps/stepsPerGas + min(steps%stepsPerGas, 1)
}
