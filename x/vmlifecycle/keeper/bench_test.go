package keeper_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

func addrN(i int) string {
	bz := make([]byte, 20)
	binary.BigEndian.PutUint64(bz[12:], uint64(i)+1000)
	return sdk.MustBech32ifyAddressBytes(accPrefix, bz)
}

// bigGenesis builds nHosts hosts in 20 regions (10% with GPUs, half with ssd=yes) and 10 VMs per host
// from 1,000 owners, each host filled to a random 20-80% of its cpu.
func bigGenesis(t testing.TB, nHosts int) *types.GenesisState {
	rng := rand.New(rand.NewChaCha8([32]byte{42}))
	gs := types.DefaultGenesis()
	gs.Params = testParams()
	var id uint64 = 1
	for h := 0; h < nHosts; h++ {
		host := types.Host{
			Id: fmt.Sprintf("host-%05d", h), Operator: addr(1), Region: fmt.Sprintf("region-%02d", h%20),
			Capacity: res(uint64(32_000+rng.IntN(4)*32_000), 262_144, 4_000, 0), Status: types.HOST_STATUS_ACTIVE,
		}
		if h%10 == 0 {
			host.Capacity.Gpus = 8
		}
		if h%2 == 0 {
			host.Labels = []types.Label{{Key: "ssd", Value: "yes"}}
		}
		fill := uint64(20 + rng.IntN(61)) // percent
		per := res(host.Capacity.CpuMillis*fill/100/10, host.Capacity.MemoryMib*fill/100/10, 10, 0)
		for v := 0; v < 10; v++ {
			vm := types.VM{
				Id: id, Owner: addrN(int(id) % 1000), Name: fmt.Sprintf("vm-%d", id), ImageCid: validCID1,
				Resources: per, State: types.VM_STATE_RUNNING, HostId: host.Id, ReplicaOf: id,
				Constraints: types.Constraints{AntiAffinityGroup: fmt.Sprintf("g%d", id%50)},
			}
			gs.Vms = append(gs.Vms, vm)
			host.Allocated = host.Allocated.Add(per)
			host.VmCount++
			id++
		}
		gs.Hosts = append(gs.Hosts, host)
	}
	gs.NextVmId = id
	return gs
}

// BenchmarkPlacement: one MsgCreateVM (validation + scheduling + writes) against nHosts hosts and
// 10·nHosts VMs already in state; every iteration runs on a discarded cache context so state does not grow.
func BenchmarkPlacement(b *testing.B) {
	for _, nHosts := range []int{1_000, 10_000} {
		f := newFixture(b)
		require.NoError(b, f.k.InitGenesis(f.ctx, bigGenesis(b, nHosts)))
		f.cms.Commit() // as on a running chain: blocks read committed IAVL state through a cache
		cases := []struct {
			name string
			c    types.Constraints
			r    types.Resources
		}{
			{"any-region", types.Constraints{AntiAffinityGroup: "g7"}, res(8_000, 16_384, 20, 0)},
			{"one-region+label", types.Constraints{AllowedRegions: []string{"region-04"}, RequiredLabels: []types.Label{{Key: "ssd", Value: "yes"}}}, res(8_000, 16_384, 20, 0)},
			{"three-regions", types.Constraints{AllowedRegions: []string{"region-01", "region-02", "region-03"}}, res(8_000, 16_384, 20, 0)},
			{"gpu", types.Constraints{}, res(4_000, 8_192, 20, 2)},
		}
		for _, tc := range cases {
			b.Run(fmt.Sprintf("hosts=%d/vms=%d/%s", nHosts, nHosts*10, tc.name), func(b *testing.B) {
				var gas uint64
				var cands int
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					cc, _ := f.ctx.CacheContext()
					cc = cc.WithGasMeter(storetypes.NewInfiniteGasMeter())
					resp, err := f.msg.CreateVM(cc, &types.MsgCreateVM{Owner: addrN(7), Name: "bench", ImageCid: validCID1, Resources: tc.r, Constraints: tc.c})
					if err != nil || resp.HostIds[0] == "" {
						b.Fatalf("placement failed: %v %v", err, resp)
					}
					gas += cc.GasMeter().GasConsumed()
					if i == 0 {
						ex, _ := f.k.Explanations.Get(cc, resp.VmIds[0])
						cands = len(ex.Candidates)
					}
				}
				b.ReportMetric(float64(gas)/float64(b.N), "gas/op")
				b.ReportMetric(float64(cands), "candidates")
			})
		}
	}
}

// latencyTable is a full latency table over bigGenesis's 20 regions: |i−j| ms apart.
func latencyTable() []types.RegionLatency {
	var t []types.RegionLatency
	for i := 0; i < 20; i++ {
		for j := i + 1; j < 20; j++ {
			t = append(t, types.RegionLatency{From: fmt.Sprintf("region-%02d", i), To: fmt.Sprintf("region-%02d", j), LatencyUs: int64(j-i) * 1_000})
		}
	}
	return t
}

// BenchmarkSchedulerSteps times the scheduler alone (the metered search, no writes) on committed
// IAVL state and reports ns/step: the wall time per step the search charged. The step prices
// (types/scheduler_meter.go) are tuned so that this stays ≤ ~2.5 ns/step in every case. The
// governance surcharges gas_per_candidate/gas_per_region are set to 0 here so that only priced
// work counts. Each iteration reads through a fresh cache context, like a transaction's first
// read of a host in a block.
func BenchmarkSchedulerSteps(b *testing.B) {
	for _, nHosts := range []int{1_000, 10_000} {
		f := newFixture(b)
		gs := bigGenesis(b, nHosts)
		gs.Params.GasPerCandidate, gs.Params.GasPerRegion = 0, 0
		gs.Params.RegionLatencies = latencyTable()
		// a tenth of the hosts carry 16 labels (the label-heavy case scans them)
		for i := range gs.Hosts {
			if i%10 == 1 {
				var ls []types.Label
				for l := 0; l < 16; l++ {
					ls = append(ls, types.Label{Key: fmt.Sprintf("k%02d", l), Value: "some-label-value"})
				}
				gs.Hosts[i].Labels = ls
			}
		}
		require.NoError(b, f.k.InitGenesis(f.ctx, gs))
		f.cms.Commit()
		many := []types.Label{{Key: "k00", Value: "some-label-value"}, {Key: "k07", Value: "some-label-value"}, {Key: "k15", Value: "some-label-value"}}
		cases := []struct {
			name string
			c    types.Constraints
			r    types.Resources
		}{
			{"any-region+anti-affinity", types.Constraints{AntiAffinityGroup: "g7"}, res(8_000, 16_384, 20, 0)},
			{"one-region+label", types.Constraints{AllowedRegions: []string{"region-04"}, RequiredLabels: []types.Label{{Key: "ssd", Value: "yes"}}}, res(8_000, 16_384, 20, 0)},
			{"three-regions", types.Constraints{AllowedRegions: []string{"region-01", "region-02", "region-03"}}, res(8_000, 16_384, 20, 0)},
			{"gpu", types.Constraints{}, res(4_000, 8_192, 20, 2)},
			{"latency-bounds", types.Constraints{MaxLatency: []types.LatencyBound{{Region: "region-00", MaxUs: 5_000}, {Region: "region-03", MaxUs: 5_000}}}, res(8_000, 16_384, 20, 0)},
			{"labels-heavy", types.Constraints{RequiredLabels: many}, res(8_000, 16_384, 20, 0)},
			{"nothing-fits", types.Constraints{AntiAffinityGroup: "g7"}, res(200_000, 16_384, 20, 0)},
		}
		for _, tc := range cases {
			b.Run(fmt.Sprintf("hosts=%d/%s", nHosts, tc.name), func(b *testing.B) {
				vm := types.VM{Id: 1 << 40, Owner: addrN(7), Name: "bench", ImageCid: validCID1, Resources: tc.r, Constraints: tc.c}
				p, err := f.k.Params.Get(f.ctx)
				require.NoError(b, err)
				ctxs := make([]sdk.Context, b.N)
				for i := range ctxs {
					ctxs[i], _ = f.ctx.CacheContext()
					ctxs[i] = ctxs[i].WithGasMeter(storetypes.NewInfiniteGasMeter())
				}
				var steps uint64
				var cands int
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					_, ex, n, err := f.k.ScheduleForTest(ctxs[i], p, vm)
					if err != nil {
						b.Fatal(err)
					}
					steps += n
					cands = len(ex.Candidates)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
				b.ReportMetric(float64(steps)/float64(b.N), "steps/op")
				b.ReportMetric(float64(cands), "candidates")
			})
		}
	}
}
