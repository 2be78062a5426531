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
	} {
		p := types.DefaultParams()
		mut(&p)
		if err := p.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
