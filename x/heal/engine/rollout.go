package engine

// Rollouts: a VM group moves to a new image in phases — canaries first, then batches — and a
// phase whose failures cross the threshold within its observation window rolls everything back.

// PhaseSizes splits n VMs into the canary phase (canaryPercent of n, rounded up, at least one)
// and batches of batchPercent of n (rounded up, at least one) for the rest.
func PhaseSizes(n int, canaryPercent, batchPercent uint32) []int {
	if n <= 0 {
		return nil
	}
	ceilShare := func(pct uint32) int { return max((n*int(min(pct, 100))+99)/100, 1) }
	canary := min(ceilShare(canaryPercent), n)
	sizes := []int{canary}
	batch := ceilShare(batchPercent)
	for left := n - canary; left > 0; left -= batch {
		sizes = append(sizes, min(batch, left))
	}
	return sizes
}

// PhaseFailed reports whether failed of size VMs is more than maxFailurePercent of them.
func PhaseFailed(failed, size int, maxFailurePercent uint32) bool {
	return failed > 0 && failed*100 > int(min(maxFailurePercent, 100))*size
}
