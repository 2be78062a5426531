package keeper_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/keeper"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// setHostOperators replaces params.host_operators through MsgUpdateParams (the gov path).
func (f *fixture) setHostOperators(ops ...byte) {
	f.t.Helper()
	p, err := f.k.Params.Get(f.ctx)
	require.NoError(f.t, err)
	p.HostOperators = nil
	for _, op := range ops {
		p.HostOperators = append(p.HostOperators, addr(op))
	}
	sort.Strings(p.HostOperators)
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
	require.NoError(f.t, err)
}

func (f *fixture) revoked() []string {
	f.t.Helper()
	var out []string
	require.NoError(f.t, f.k.RevokedOperators.Walk(f.ctx, nil, func(op sdk.AccAddress) (bool, error) {
		out = append(out, sdk.MustBech32ifyAddressBytes(accPrefix, op))
		return false, nil
	}))
	return out
}

func (f *fixture) hostAuditReasons(host string) []string {
	f.t.Helper()
	resp, err := f.query.AuditByHost(f.ctx, &types.QueryAuditByHostRequest{HostId: host})
	require.NoError(f.t, err)
	var out []string
	for _, e := range resp.Entries {
		out = append(out, e.Actor+": "+e.Reason)
	}
	return out
}

// An operator removed from host_operators can no longer update, drain or undrain its hosts, its
// hosts get no new VMs from the block of the removal on, EndBlock drains them (their VMs move to
// allowlisted hosts), and it can still report on VMs left on its hosts and deregister empty ones.
func TestRemovedHostOperator(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(16_000, 32_768, 100, 0))
	f.registerHost(1, "h2", "eu-west", res(16_000, 32_768, 100, 0))
	f.registerHost(2, "h3", "eu-west", res(64_000, 131_072, 1000, 0))
	vm1 := f.createVM(5, "a", res(4_000, 4_096, 10, 0), 1, types.Constraints{}).VmIds[0]
	vm2 := f.createVM(5, "b", res(4_000, 4_096, 10, 0), 1, types.Constraints{}).VmIds[0]
	require.Equal(t, "h1", f.vm(vm1).HostId, "best fit: operator 1's smaller host")
	require.Equal(t, "h1", f.vm(vm2).HostId)
	require.NoError(t, f.report(1, vm1, types.VM_STATE_RUNNING))
	_, err := f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: addr(1), HostId: "h2", Reason: "maintenance"})
	require.NoError(t, err)
	f.nextBlock() // h2 is empty: drained, stays DRAINING

	f.setHostOperators(2) // governance removes operator 1
	require.Equal(t, []string{addr(1)}, f.revoked())
	f.invariants()

	// every host-operator action that changes what a host offers fails with ErrOperatorNotAllowed
	upd := types.MsgUpdateHost{Operator: addr(1), HostId: "h1", Region: "eu-west", Capacity: res(32_000, 65_536, 200, 0)}
	f.requireFailsUnchanged(types.ErrOperatorNotAllowed, func() error { _, err := f.msg.UpdateHost(f.ctx, &upd); return err })
	f.requireFailsUnchanged(types.ErrOperatorNotAllowed, func() error {
		_, err := f.msg.UndrainHost(f.ctx, &types.MsgUndrainHost{Operator: addr(1), HostId: "h2"})
		return err
	})
	f.requireFailsUnchanged(types.ErrOperatorNotAllowed, func() error {
		_, err := f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: addr(1), HostId: "h1"})
		return err
	})
	f.requireFailsUnchanged(types.ErrOperatorNotAllowed, func() error {
		_, err := f.msg.RegisterHost(f.ctx, &types.MsgRegisterHost{Operator: addr(1), HostId: "h9", Region: "eu-west", Capacity: res(1000, 1024, 10, 0)})
		return err
	})
	// the allowed operator is unaffected
	_, err = f.msg.UpdateHost(f.ctx, &types.MsgUpdateHost{Operator: addr(2), HostId: "h3", Region: "eu-west", Capacity: res(64_000, 131_072, 1000, 0)})
	require.NoError(t, err)

	// the scheduler skips h1 although it is the tightest fit and still ACTIVE in this block
	vm3 := f.createVM(6, "c", res(4_000, 4_096, 10, 0), 1, types.Constraints{}).VmIds[0]
	require.Equal(t, "h3", f.vm(vm3).HostId)
	ex, err := f.query.Explain(f.ctx, &types.QueryExplainRequest{VmId: vm3})
	require.NoError(t, err)
	var h1Reason string
	for _, c := range ex.Explanation.Candidates {
		if c.HostId == "h1" {
			h1Reason = c.RejectReason
		}
	}
	require.Equal(t, "operator "+addr(1)+" not on host_operators", h1Reason)
	// nor can a VM be migrated onto it by name
	f.requireFailsUnchanged(types.ErrNoPlacement, func() error {
		_, err := f.msg.MigrateVM(f.ctx, &types.MsgMigrateVM{Owner: addr(6), VmId: vm3, TargetHostId: "h1"})
		return err
	})
	// reports on VMs still on its hosts stay open (the drain needs them)
	require.NoError(t, f.report(1, vm2, types.VM_STATE_RUNNING))
	require.Equal(t, types.HOST_STATUS_ACTIVE, f.host("h1").Status)
	f.invariants()

	// EndBlock treats its hosts as drained: h1 → DRAINING, its VMs migrate to h3
	f.nextBlock()
	f.invariants()
	require.Equal(t, types.HOST_STATUS_DRAINING, f.host("h1").Status)
	require.Empty(t, f.revoked())
	require.Contains(t, f.hostAuditReasons("h1"), "vmlifecycle: drain: "+keeper.RevokedDrainReason)
	for _, id := range []uint64{vm1, vm2} {
		require.Equal(t, "h3", f.vm(id).HostId)
		require.Equal(t, types.VM_STATE_MIGRATING, f.vm(id).State)
	}
	var draining bool
	for _, ev := range f.ctx.EventManager().Events() {
		if ev.Type != types.EventTypeHostDraining {
			continue
		}
		attrs := map[string]string{}
		for _, a := range ev.Attributes {
			attrs[a.Key] = a.Value
		}
		if attrs[types.AttributeKeyHostID] == "h1" && attrs[types.AttributeKeyReason] == keeper.RevokedDrainReason {
			draining = true
		}
	}
	require.True(t, draining, "vm_host_draining event for h1")
	f.nextBlock() // h1 is empty now: leaves the drain queue
	f.invariants()

	// an empty host can still be deregistered by its removed operator
	_, err = f.msg.DeregisterHost(f.ctx, &types.MsgDeregisterHost{Operator: addr(1), HostId: "h1"})
	require.NoError(t, err)

	// added back: its drained host stays DRAINING until it undrains it
	f.setHostOperators(1, 2)
	require.Equal(t, types.HOST_STATUS_DRAINING, f.host("h2").Status)
	_, err = f.msg.UndrainHost(f.ctx, &types.MsgUndrainHost{Operator: addr(1), HostId: "h2"})
	require.NoError(t, err)
	require.Equal(t, types.HOST_STATUS_ACTIVE, f.host("h2").Status)
	f.invariants()
}

// The sweep is bounded per block, survives an export/import byte-identically in the middle, and
// stops for an operator that is added back.
func TestRevokedOperatorSweepBounded(t *testing.T) {
	n := types.MaxRevokedHostDrainsPerBlock + 6
	f := newFixture(t)
	for i := 0; i < n; i++ {
		f.registerHost(1, fmt.Sprintf("h%03d", i), "eu-west", res(8_000, 8_192, 100, 0))
	}
	f.registerHost(2, "other", "eu-west", res(8_000, 8_192, 100, 0))
	countStatus := func(f *fixture, s types.HostStatus) int {
		c := 0
		for i := 0; i < n; i++ {
			if f.host(fmt.Sprintf("h%03d", i)).Status == s {
				c++
			}
		}
		return c
	}
	f.setHostOperators(2)
	f.nextBlock()
	f.invariants()
	require.Equal(t, types.MaxRevokedHostDrainsPerBlock, countStatus(f, types.HOST_STATUS_DRAINING), "bounded per block, in host id order")
	require.Equal(t, types.HOST_STATUS_DRAINING, f.host("h000").Status)
	require.Equal(t, types.HOST_STATUS_ACTIVE, f.host(fmt.Sprintf("h%03d", n-1)).Status)
	require.Equal(t, []string{addr(1)}, f.revoked())

	// export in the middle of the sweep: the import rebuilds the same revoked set byte for byte
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	g := f.importedCopy(gs)
	f.nextBlock()
	g.nextBlock()
	f.invariants()
	require.Equal(t, f.storeHash(), g.storeHash())
	require.Equal(t, n, countStatus(f, types.HOST_STATUS_DRAINING))
	require.Empty(t, f.revoked())
	require.Equal(t, types.HOST_STATUS_ACTIVE, f.host("other").Status)

	// an operator added back in the middle of the sweep keeps its remaining hosts ACTIVE
	h := newFixture(t)
	for i := 0; i < n; i++ {
		h.registerHost(1, fmt.Sprintf("h%03d", i), "eu-west", res(8_000, 8_192, 100, 0))
	}
	h.setHostOperators(2)
	h.nextBlock()
	h.setHostOperators(1, 2)
	require.Empty(t, h.revoked())
	h.nextBlock()
	h.invariants()
	require.Equal(t, types.MaxRevokedHostDrainsPerBlock, countStatus(h, types.HOST_STATUS_DRAINING))
	require.Equal(t, 6, countStatus(h, types.HOST_STATUS_ACTIVE))
}

// A genesis with an ACTIVE host whose operator is not on host_operators (hand-written, or exported
// before the sweep finished) is accepted; the host takes no VMs and the first EndBlock drains it.
func TestGenesisHostOfUnlistedOperator(t *testing.T) {
	f := newFixture(t)
	gs := types.DefaultGenesis()
	gs.Params = testParams()
	gs.Hosts = []types.Host{
		{Id: "rogue", Operator: addr(9), Region: "eu-west", Capacity: res(8_000, 8_192, 100, 0), Status: types.HOST_STATUS_ACTIVE},
		{Id: "good", Operator: addr(1), Region: "eu-west", Capacity: res(64_000, 65_536, 1000, 0), Status: types.HOST_STATUS_ACTIVE},
	}
	require.NoError(t, gs.Validate(ac))
	require.NoError(t, f.k.InitGenesis(f.ctx, gs))
	f.invariants()
	require.Equal(t, []string{addr(9)}, f.revoked())
	vm := f.createVM(5, "a", res(1_000, 1_024, 10, 0), 1, types.Constraints{}).VmIds[0]
	require.Equal(t, "good", f.vm(vm).HostId)
	f.nextBlock()
	f.invariants()
	require.Equal(t, types.HOST_STATUS_DRAINING, f.host("rogue").Status)
	require.Empty(t, f.revoked())
	require.True(t, strings.HasSuffix(f.hostAuditReasons("rogue")[0], keeper.RevokedDrainReason))
}

// Migrate1to2 rebuilds the host-operator indexes of a version-1 store (which has neither) exactly
// as they would have been kept.
func TestMigrate1to2(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "a1", "eu-west", res(8_000, 8_192, 100, 0))
	f.registerHost(1, "a2", "eu-west", res(8_000, 8_192, 100, 0))
	f.registerHost(2, "b1", "eu-west", res(8_000, 8_192, 100, 0))
	_, err := f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: addr(2), HostId: "b1"})
	require.NoError(t, err)
	f.setHostOperators(2) // operator 1 removed, its hosts not drained yet
	want := f.storeHash()

	require.NoError(t, f.k.Hosts.Indexes.ActiveByOperator.Entries().Clear(f.ctx, nil))
	require.NoError(t, f.k.RevokedOperators.Clear(f.ctx, nil))
	require.Error(t, f.k.CheckInvariants(f.ctx))
	require.NoError(t, f.k.Migrate1to2(f.ctx))
	require.Equal(t, want, f.storeHash())
	f.invariants()
	require.Equal(t, []string{addr(1)}, f.revoked())
}
