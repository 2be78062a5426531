package engine

import (
	"slices"
	"testing"
)

func TestPhaseSizes(t *testing.T) {
	for _, c := range []struct {
		n             int
		canary, batch uint32
		want          []int
	}{
		{10, 10, 30, []int{1, 3, 3, 3}},
		{10, 25, 50, []int{3, 5, 2}},
		{1, 10, 10, []int{1}},
		{3, 0, 0, []int{1, 1, 1}}, // zero shares still make progress, one VM at a time
		{4, 100, 100, []int{4}},   // everything is a canary
		{7, 150, 10, []int{7}},    // shares above 100 % are 100 %
		{0, 10, 10, nil},
	} {
		got := PhaseSizes(c.n, c.canary, c.batch)
		if !slices.Equal(got, c.want) {
			t.Errorf("PhaseSizes(%d, %d, %d) = %v, want %v", c.n, c.canary, c.batch, got, c.want)
		}
		sum := 0
		for _, s := range got {
			sum += s
		}
		if sum != c.n {
			t.Errorf("PhaseSizes(%d, …) covers %d VMs", c.n, sum)
		}
	}
}

func TestPhaseFailed(t *testing.T) {
	for _, c := range []struct {
		failed, size int
		max          uint32
		want         bool
	}{
		{0, 1, 0, false}, {1, 1, 0, true}, {1, 4, 25, false}, {2, 4, 25, true}, {1, 3, 50, false}, {2, 3, 50, true}, {3, 3, 100, false},
	} {
		if got := PhaseFailed(c.failed, c.size, c.max); got != c.want {
			t.Errorf("PhaseFailed(%d, %d, %d) = %v, want %v", c.failed, c.size, c.max, got, c.want)
		}
	}
}
