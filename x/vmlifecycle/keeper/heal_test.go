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
		sts, err := f.k.VMsOnHost(f.ctx, h)
		require.NoError(t, err)
		for _, st := range sts {
			require.Equal(t, h, f.vm(st.ID).HostId)
			require.Equal(t, h, st.HostID)
			require.Equal(t, healtypes.PhaseScheduled, st.Phase)
			require.Equal(t, resp.VmIds[0], st.Group)
			onHosts = append(onHosts, st.ID)
		}
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

func TestHealRemedies(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	f.registerHost(1, "h2", "eu-west", res(8000, 16384, 100, 0))
	resp := f.createVM(5, "web", res(1000, 1024, 10, 0), 1, types.Constraints{})
	id := resp.VmIds[0]
	from := f.vm(id).HostId
	require.NoError(t, f.report(1, id, types.VM_STATE_RUNNING))

	// restart: RUNNING (the chain had not heard of the crash) → FAILED → SCHEDULED on the same host
	require.NoError(t, f.k.RestartVM(f.ctx, id, "incident 1"))
	vm := f.vm(id)
	require.Equal(t, types.VM_STATE_SCHEDULED, vm.State)
	require.Equal(t, from, vm.HostId)

	// migrate: to the other host, explained
	to, err := f.k.MigrateVM(f.ctx, id, "incident 1")
	require.NoError(t, err)
	require.NotEqual(t, from, to)
	require.Equal(t, types.VM_STATE_MIGRATING, f.vm(id).State)

	// evacuate and restore: ACTIVE → DRAINING → ACTIVE, once each
	done, err := f.k.EvacuateHost(f.ctx, to, "incident 2")
	require.NoError(t, err)
	require.True(t, done)
	require.Equal(t, types.HOST_STATUS_DRAINING, f.host(to).Status)
	done, err = f.k.EvacuateHost(f.ctx, to, "incident 2")
	require.NoError(t, err)
	require.False(t, done, "already draining")
	done, err = f.k.RestoreHost(f.ctx, to, "healthy again")
	require.NoError(t, err)
	require.True(t, done)
	require.Equal(t, types.HOST_STATUS_ACTIVE, f.host(to).Status)
	done, err = f.k.RestoreHost(f.ctx, to, "healthy again")
	require.NoError(t, err)
	require.False(t, done, "not draining")
	done, err = f.k.EvacuateHost(f.ctx, "nope", "x")
	require.NoError(t, err)
	require.False(t, done)
	require.NoError(t, f.k.CheckInvariants(f.ctx))
}
