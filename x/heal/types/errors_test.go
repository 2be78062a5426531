package types_test

import (
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/heal/types"
)

func TestErrorGRPCCodes(t *testing.T) {
	testkit.CheckErrorCodes(t, types.ModuleName, []testkit.ErrorCode{
		{Err: types.ErrInvalidParams, ABCI: 2, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidGenesis, ABCI: 3, GRPC: codes.InvalidArgument},
		{Err: types.ErrHostNotTracked, ABCI: 4, GRPC: codes.NotFound},
		{Err: types.ErrIncidentNotFound, ABCI: 5, GRPC: codes.NotFound},
		{Err: types.ErrInvalidObservations, ABCI: 6, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidPolicy, ABCI: 7, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidRollout, ABCI: 8, GRPC: codes.InvalidArgument},
		{Err: types.ErrRolloutNotFound, ABCI: 9, GRPC: codes.NotFound},
		{Err: types.ErrNotOwner, ABCI: 10, GRPC: codes.PermissionDenied},
		{Err: types.ErrTooManyRollouts, ABCI: 11, GRPC: codes.ResourceExhausted},
		{Err: types.ErrRolloutConflict, ABCI: 12, GRPC: codes.FailedPrecondition},
		{Err: types.ErrTooManyScaling, ABCI: 13, GRPC: codes.ResourceExhausted},
		{Err: types.ErrPolicyNotFound, ABCI: 14, GRPC: codes.NotFound},
		{Err: types.ErrRolloutNotActive, ABCI: 15, GRPC: codes.FailedPrecondition},
		{Err: types.ErrForecastNotFound, ABCI: 16, GRPC: codes.NotFound},
	})
}

func TestParamsValidate(t *testing.T) {
	if err := types.DefaultParams().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*types.Params){
		"suspect above down": func(p *types.Params) { p.PhiSuspectMilli = p.PhiDownMilli },
		"zero window":        func(p *types.Params) { p.HeartbeatWindow = 0 },
		"samples > window":   func(p *types.Params) { p.MinSamples = p.HeartbeatWindow + 1 },
		"zero σ floor":       func(p *types.Params) { p.MinStdDevMs = 0 },
		"one-host region":    func(p *types.Params) { p.RegionMinHosts = 1 },
		"percent over 100":   func(p *types.Params) { p.RegionMinPercent = 101 },
		"no hosts":           func(p *types.Params) { p.MaxHosts = 0 },
		"zero stuck timeout": func(p *types.Params) { p.StuckAfterBlocks = 0 },
		"one-failure loop":   func(p *types.Params) { p.CrashLoopFailures = 1 },
		"zero loop window":   func(p *types.Params) { p.CrashLoopWindowBlocks = 0 },
		"no rollouts":        func(p *types.Params) { p.MaxActiveRollouts = 0 },
		"no rollout VMs":     func(p *types.Params) { p.MaxRolloutVms = 0 },
		"zero α":             func(p *types.Params) { p.HoltAlphaPpm = 0 },
		"β over 1":           func(p *types.Params) { p.HoltBetaPpm = 1_000_001 },
		"sub-second horizon": func(p *types.Params) { p.ScalingHorizonMs = 999 },
		"zero cooldown":      func(p *types.Params) { p.ScaleCooldownBlocks = 0 },
		"huge backoff":       func(p *types.Params) { p.Remedy.BackoffBlocks = 100_001 },
		"101 restarts":       func(p *types.Params) { p.Remedy.MaxRestarts = 101 },
	} {
		p := types.DefaultParams()
		mut(&p)
		if err := p.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestScalingPolicyValidate(t *testing.T) {
	ok := []types.ScalingPolicy{{}, {MinReplicas: 1, MaxReplicas: 1, ScaleOutPercent: 80}, {MinReplicas: 2, MaxReplicas: 10, ScaleOutPercent: 80, ScaleInPercent: 40}}
	for _, s := range ok {
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
	bad := []types.ScalingPolicy{
		{MinReplicas: 1}, // off takes nothing else
		{MinReplicas: 0, MaxReplicas: 3, ScaleOutPercent: 80},    // min 0
		{MinReplicas: 4, MaxReplicas: 3, ScaleOutPercent: 80},    // min > max
		{MinReplicas: 1, MaxReplicas: 1001, ScaleOutPercent: 80}, // too many
		{MinReplicas: 1, MaxReplicas: 3, ScaleOutPercent: 0},
		{MinReplicas: 1, MaxReplicas: 3, ScaleOutPercent: 101},
		{MinReplicas: 1, MaxReplicas: 3, ScaleOutPercent: 60, ScaleInPercent: 60}, // no hysteresis band
	}
	for _, s := range bad {
		if err := s.Validate(); !types.ErrInvalidPolicy.Is(err) {
			t.Errorf("%+v: %v, want ErrInvalidPolicy", s, err)
		}
	}
}
