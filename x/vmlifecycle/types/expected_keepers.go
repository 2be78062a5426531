package types

import "context"

// LatencyProvider supplies one-way latency in microseconds between two region codes. The app
// chains x/orbit's keeper (its latency snapshot) in front of the params table
// (keeper.LatencyChain); ok=false means the latency is unknown, which fails a bound.
type LatencyProvider interface {
	LatencyUs(ctx context.Context, fromRegion, toRegion string) (int64, bool)
}
