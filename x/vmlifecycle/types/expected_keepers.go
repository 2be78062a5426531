package types

import "context"

// LatencyProvider supplies one-way latency in microseconds between two region codes.
// Until x/orbit lands the keeper uses the params table (keeper.ParamsLatency); x/orbit's keeper
// will implement this interface. ok=false means the latency is unknown, which fails a bound.
type LatencyProvider interface {
	LatencyUs(ctx context.Context, fromRegion, toRegion string) (int64, bool)
}
