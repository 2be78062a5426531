package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	healtypes "github.com/novacron/novacron/x/heal/types"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

func TestHealReads(t *testing.T) {
	f := newFixture(t)
	for _, h := range []struct{ id, endpoint string }{{"h3", "http://127.0.0.1:7003"}, {"h1", "http://127.0.0.1:7001"}, {"h2", ""}, {"h4", "https://10.0.0.4:443/agent"}} {
		_, err := f.msg.RegisterHost(f.ctx, &types.MsgRegisterHost{Operator: addr(1), HostId: h.id, Region: "eu-west",
			Capacity: res(8000, 16384, 100, 0), HealthEndpoint: h.endpoint})
		require.NoError(t, err)
	}
	targets, err := f.k.HealthTargets(f.ctx, 10)
	require.NoError(t, err)
	require.Equal(t, []healtypes.Target{
		{HostID: "h1", Region: "eu-west", Endpoint: "http://127.0.0.1:7001"},
		{HostID: "h3", Region: "eu-west", Endpoint: "http://127.0.0.1:7003"},
		{HostID: "h4", Region: "eu-west", Endpoint: "https://10.0.0.4:443/agent"},
	}, targets, "hosts with an endpoint, ascending id")
	targets, err = f.k.HealthTargets(f.ctx, 2)
	require.NoError(t, err)
	require.Len(t, targets, 2)

	resp := f.createVM(5, "web", res(1000, 1024, 10, 0), 2, types.Constraints{})
	var onHosts []uint64
	for _, h := range []string{"h1", "h2", "h3", "h4"} {
		ids, err := f.k.VMsOnHost(f.ctx, h)
		require.NoError(t, err)
		for _, id := range ids {
			require.Equal(t, h, f.vm(id).HostId)
		}
		onHosts = append(onHosts, ids...)
	}
	require.ElementsMatch(t, resp.VmIds, onHosts)

	st, err := f.k.VMStatus(f.ctx, resp.VmIds[0])
	require.NoError(t, err)
	require.True(t, st.Exists)
	require.False(t, st.Settled, "a SCHEDULED VM still needs to run")
	require.NoError(t, f.report(1, resp.VmIds[0], types.VM_STATE_RUNNING))
	st, err = f.k.VMStatus(f.ctx, resp.VmIds[0])
	require.NoError(t, err)
	require.True(t, st.Settled)
	st, err = f.k.VMStatus(f.ctx, 999)
	require.NoError(t, err)
	require.False(t, st.Exists)
}
