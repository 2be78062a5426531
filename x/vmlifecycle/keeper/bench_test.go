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
