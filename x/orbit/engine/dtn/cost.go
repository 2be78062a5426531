package dtn

import (
	"math/bits"

	"github.com/novacron/novacron/x/internal/meter"
)

// Meter stages of contact plans.
const (
	StagePlan     = "dtn plan"
	StageCGR      = "dtn cgr"
	StageSimulate = "dtn simulate"
)

// Step prices (a step is about a nanosecond of single-core work; see
// BenchmarkMeteredCGR for the measured ns/step). The *Metered functions
// charge them before the work they price.
const (
	// LineSteps is one plan line split and parsed, plus one step per
	// ByteSteps bytes of the line.
	LineSteps = 256
	ByteSteps = 1
	// SortSteps is one comparison of the canonical contact sort, charged
	// n*(bits.Len(n)+1) times.
	SortSteps = 8
	// RangeSteps is one range compared while attaching a light time: each
	// contact without one scans the range table.
	RangeSteps = 2
	// IndexSteps is one contact indexed by its sender.
	IndexSteps = 32
	// LabelSteps is one contact's label and settled flag set up per route.
	LabelSteps = 8
	// ScanSteps is one successor contact examined, RelaxSteps one relaxed
	// (transmission time, arrival, label).
	ScanSteps  = 4
	RelaxSteps = 32
	// PopSteps and PushSteps are one heap pop or push, plus LevelSteps per
	// level of the heap.
	PopSteps   = 8
	PushSteps  = 8
	LevelSteps = 4
	// HopSteps is one contact of an extracted route or a reservation.
	HopSteps = 16
)

func heapSteps(base uint64, n int) uint64 {
	return base + LevelSteps*uint64(bits.Len(uint(n)))
}

// sortSteps prices the canonical sort of n contacts.
func sortSteps(n int) uint64 {
	return meter.Mul(meter.Mul(uint64(n), uint64(bits.Len(uint(n)))+1), SortSteps)
}
