package keeper_test

import (
	"strings"
	"testing"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

func TestRegisterHost(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0), types.Label{Key: "arch", Value: "x86"}, types.Label{Key: "ssd", Value: "yes"})
	h := f.host("h1")
	require.Equal(t, types.HOST_STATUS_ACTIVE, h.Status)
	require.Equal(t, addr(1), h.Operator)
	require.Equal(t, int64(10), h.RegisteredHeight)
	audit, err := f.query.AuditByHost(f.ctx, &types.QueryAuditByHostRequest{HostId: "h1"})
	require.NoError(t, err)
	require.Len(t, audit.Entries, 1)
	require.Contains(t, audit.Entries[0].Reason, "registered")
	f.invariants()

	ok := types.MsgRegisterHost{Operator: addr(2), HostId: "h2", Region: "eu-west", Capacity: res(1000, 1024, 10, 0)}
	cases := []struct {
		name string
		mod  func(m *types.MsgRegisterHost)
		want error
	}{
		{"operator not allowlisted", func(m *types.MsgRegisterHost) { m.Operator = addr(9) }, types.ErrOperatorNotAllowed},
		{"bad operator address", func(m *types.MsgRegisterHost) { m.Operator = "nova1xyz" }, sdkerrors.ErrInvalidAddress},
		{"duplicate id", func(m *types.MsgRegisterHost) { m.HostId = "h1" }, types.ErrHostExists},
		{"bad id", func(m *types.MsgRegisterHost) { m.HostId = "H 1" }, types.ErrInvalidHost},
		{"long id", func(m *types.MsgRegisterHost) { m.HostId = strings.Repeat("a", 65) }, types.ErrInvalidHost},
		{"bad region", func(m *types.MsgRegisterHost) { m.Region = "" }, types.ErrInvalidHost},
		{"latitude out of range", func(m *types.MsgRegisterHost) { m.LatUdeg = 90_000_001 }, types.ErrInvalidHost},
		{"zero capacity", func(m *types.MsgRegisterHost) { m.Capacity = res(0, 1024, 10, 0) }, types.ErrInvalidResources},
		{"absurd capacity", func(m *types.MsgRegisterHost) { m.Capacity = res(1<<50, 1024, 10, 0) }, types.ErrInvalidResources},
		{"unsorted labels", func(m *types.MsgRegisterHost) {
			m.Labels = []types.Label{{Key: "z", Value: "1"}, {Key: "a", Value: "1"}}
		}, types.ErrInvalidHost},
		{"bad label", func(m *types.MsgRegisterHost) { m.Labels = []types.Label{{Key: "Bad Key", Value: "1"}} }, types.ErrInvalidHost},
		{"health endpoint without port", func(m *types.MsgRegisterHost) { m.HealthEndpoint = "http://10.0.0.1" }, types.ErrInvalidHost},
		{"health endpoint not http", func(m *types.MsgRegisterHost) { m.HealthEndpoint = "tcp://10.0.0.1:80" }, types.ErrInvalidHost},
		{"health endpoint too long", func(m *types.MsgRegisterHost) {
			m.HealthEndpoint = "http://10.0.0.1:80/" + strings.Repeat("a", types.MaxHealthEndpointLen)
		}, types.ErrInvalidHost},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := ok
			tc.mod(&m)
			f.requireFailsUnchanged(tc.want, func() error { _, err := f.msg.RegisterHost(f.ctx, &m); return err })
		})
	}
	// the unmodified message is fine
	_, err = f.msg.RegisterHost(f.ctx, &ok)
	require.NoError(t, err)
	f.invariants()
	require.Empty(t, f.host("h1").HealthEndpoint, "no endpoint given: not probed")

	// a health endpoint is stored and answered by the Host query
	withEP := ok
	withEP.HostId, withEP.HealthEndpoint = "h3", "http://127.0.0.1:26680"
	_, err = f.msg.RegisterHost(f.ctx, &withEP)
	require.NoError(t, err)
	q, err := f.query.Host(f.ctx, &types.QueryHostRequest{HostId: "h3"})
	require.NoError(t, err)
	require.Equal(t, "http://127.0.0.1:26680", q.Host.HealthEndpoint)
	f.invariants()
}

// MsgUpdateHost replaces the health endpoint like every other field: resend it to keep it, send
// a new one to set it, send it empty to clear it; an invalid one fails without a change.
func TestUpdateHostHealthEndpoint(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	upd := types.MsgUpdateHost{Operator: addr(1), HostId: "h1", Region: "eu-west", Capacity: res(8000, 16384, 100, 0)}

	upd.HealthEndpoint = "http://10.0.0.1:26680"
	_, err := f.msg.UpdateHost(f.ctx, &upd)
	require.NoError(t, err)
	require.Equal(t, "http://10.0.0.1:26680", f.host("h1").HealthEndpoint, "set")

	upd.Capacity = res(9000, 16384, 100, 0) // another change, the endpoint sent again
	_, err = f.msg.UpdateHost(f.ctx, &upd)
	require.NoError(t, err)
	require.Equal(t, "http://10.0.0.1:26680", f.host("h1").HealthEndpoint, "kept")

	bad := upd
	bad.HealthEndpoint = "http://10.0.0.1:99999"
	f.requireFailsUnchanged(types.ErrInvalidHost, func() error { _, err := f.msg.UpdateHost(f.ctx, &bad); return err })

	upd.HealthEndpoint = ""
	_, err = f.msg.UpdateHost(f.ctx, &upd)
	require.NoError(t, err)
	require.Empty(t, f.host("h1").HealthEndpoint, "cleared")
	f.invariants()
}

func TestUpdateHost(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	resp := f.createVM(5, "web", res(4000, 8192, 10, 0), 1, types.Constraints{})
	require.Equal(t, "h1", resp.HostIds[0])

	upd := types.MsgUpdateHost{Operator: addr(1), HostId: "h1", Region: "eu-west", Capacity: res(16000, 32768, 200, 0),
		Labels: []types.Label{{Key: "ssd", Value: "yes"}}}
	bad := upd
	bad.Operator = addr(2)
	f.requireFailsUnchanged(types.ErrNotHostOperator, func() error { _, err := f.msg.UpdateHost(f.ctx, &bad); return err })
	bad = upd
	bad.Capacity = res(2000, 16384, 100, 0)
	f.requireFailsUnchanged(types.ErrInsufficientCapacity, func() error { _, err := f.msg.UpdateHost(f.ctx, &bad); return err })
	bad = upd
	bad.Region = "us-east"
	f.requireFailsUnchanged(types.ErrHostNotEmpty, func() error { _, err := f.msg.UpdateHost(f.ctx, &bad); return err })
	bad = upd
	bad.HostId = "nope"
	f.requireFailsUnchanged(types.ErrHostNotFound, func() error { _, err := f.msg.UpdateHost(f.ctx, &bad); return err })

	_, err := f.msg.UpdateHost(f.ctx, &upd)
	require.NoError(t, err)
	h := f.host("h1")
	require.Equal(t, uint64(16000), h.Capacity.CpuMillis)
	require.Equal(t, uint64(4000), h.Allocated.CpuMillis)
	f.invariants() // the placement index moved with the new free capacity
	// the new label is usable by the scheduler
	r2 := f.createVM(5, "db", res(1000, 1024, 1, 0), 1, types.Constraints{RequiredLabels: []types.Label{{Key: "ssd", Value: "yes"}}})
	require.Equal(t, "h1", r2.HostIds[0])
}

func TestDrainAndDeregister(t *testing.T) {
	f := newFixture(t)
	p := testParams()
	p.MaxDrainMigrationsPerBlock = 2
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
	require.NoError(t, err)

	f.registerHost(1, "h1", "eu-west", res(64000, 65536, 1000, 0))
	var ids []uint64
	for i := 0; i < 5; i++ {
		r := f.createVM(5, "vm"+string(rune('a'+i)), res(1000, 1024, 10, 0), 1, types.Constraints{})
		ids = append(ids, r.VmIds[0])
		require.NoError(t, f.report(1, r.VmIds[0], types.VM_STATE_RUNNING))
	}
	f.registerHost(2, "h2", "eu-west", res(64000, 65536, 1000, 0))

	f.requireFailsUnchanged(types.ErrHostNotEmpty, func() error {
		_, err := f.msg.DeregisterHost(f.ctx, &types.MsgDeregisterHost{Operator: addr(1), HostId: "h1"})
		return err
	})
	f.requireFailsUnchanged(types.ErrNotHostOperator, func() error {
		_, err := f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: addr(2), HostId: "h1"})
		return err
	})
	_, err = f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: addr(1), HostId: "h1", Reason: "maintenance"})
	require.NoError(t, err)
	f.requireFailsUnchanged(types.ErrHostDraining, func() error {
		_, err := f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: addr(1), HostId: "h1"})
		return err
	})
	// a draining host takes no new placements
	r := f.createVM(6, "late", res(1000, 1024, 10, 0), 1, types.Constraints{})
	require.Equal(t, "h2", r.HostIds[0])

	// 5 VMs, 2 per block: 3 blocks
	for b := 0; b < 3; b++ {
		before := f.host("h1").VmCount
		f.nextBlock()
		f.invariants()
		require.Equal(t, before-min(before, 2), f.host("h1").VmCount, "block %d", b)
	}
	for _, id := range ids {
		vm := f.vm(id)
		require.Equal(t, "h2", vm.HostId)
		require.Equal(t, types.VM_STATE_MIGRATING, vm.State)
		ex, err := f.query.Explain(f.ctx, &types.QueryExplainRequest{VmId: id})
		require.NoError(t, err)
		require.Equal(t, "drain", ex.Explanation.Kind)
		require.NoError(t, f.report(2, id, types.VM_STATE_RUNNING)) // the new host's operator acknowledges
	}
	has, err := f.k.DrainQueue.Has(f.ctx, "h1")
	require.NoError(t, err)
	require.False(t, has)
	_, err = f.msg.DeregisterHost(f.ctx, &types.MsgDeregisterHost{Operator: addr(1), HostId: "h1"})
	require.NoError(t, err)
	_, err = f.k.Hosts.Get(f.ctx, "h1")
	require.Error(t, err)
	f.invariants()
	// the host's audit trail survives deregistration: registered, 5 placements, drain, 5 moves, drained, deregistered
	audit, err := f.query.AuditByHost(f.ctx, &types.QueryAuditByHostRequest{HostId: "h1"})
	require.NoError(t, err)
	require.Equal(t, "host deregistered", audit.Entries[len(audit.Entries)-1].Reason)
}

func TestDrainWithoutCapacityKeepsVMsAndExplains(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 8192, 100, 0))
	r := f.createVM(5, "big", res(6000, 6000, 10, 0), 1, types.Constraints{})
	f.registerHost(2, "h2", "eu-west", res(2000, 2048, 100, 0))
	_, err := f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: addr(1), HostId: "h1"})
	require.NoError(t, err)
	f.nextBlock()
	f.nextBlock()
	f.invariants()
	vm := f.vm(r.VmIds[0])
	require.Equal(t, "h1", vm.HostId)
	ex, err := f.query.Explain(f.ctx, &types.QueryExplainRequest{VmId: vm.Id})
	require.NoError(t, err)
	require.Equal(t, "drain", ex.Explanation.Kind)
	require.Empty(t, ex.Explanation.WinnerHostId)
	// h2 is the only index entry at free cpu ≥ 6000? no: it has 2000, so it is not even a candidate
	require.Contains(t, ex.Explanation.Summary, "no host")
}

func TestUpdateParamsAuthority(t *testing.T) {
	f := newFixture(t)
	p := testParams()
	f.requireFailsUnchanged(sdkerrors.ErrUnauthorized, func() error {
		_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: addr(1), Params: p})
		return err
	})
	bad := p
	bad.MaxCandidates = 0
	f.requireFailsUnchanged(types.ErrInvalidParams, func() error {
		_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: bad})
		return err
	})
	bad = p
	bad.HostOperators = []string{p.HostOperators[1], p.HostOperators[0]}
	f.requireFailsUnchanged(types.ErrInvalidParams, func() error {
		_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: bad})
		return err
	})
	bad = p
	bad.RegionLatencies = []types.RegionLatency{{From: "b", To: "a", LatencyUs: 1}}
	f.requireFailsUnchanged(types.ErrInvalidParams, func() error {
		_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: bad})
		return err
	})
	// governance adds addr(9) to the allowlist; it can then register
	p.HostOperators = append(p.HostOperators, addr(9))
	sortStrings(p.HostOperators)
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
	require.NoError(t, err)
	f.registerHost(9, "h9", "eu-west", res(1000, 1024, 10, 0))
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestUndrainHost(t *testing.T) {
	f := newFixture(t)
	p := testParams()
	p.MaxDrainMigrationsPerBlock = 1
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
	require.NoError(t, err)

	ssd := types.Label{Key: "ssd", Value: "yes"}
	f.registerHost(1, "h1", "eu-west", res(16000, 32768, 1000, 1), ssd)
	var ids []uint64
	for i := 0; i < 3; i++ {
		r := f.createVM(5, "vm"+string(rune('a'+i)), res(1000, 1024, 10, 0), 1, types.Constraints{})
		require.Equal(t, "h1", r.HostIds[0])
		ids = append(ids, r.VmIds[0])
	}
	f.registerHost(2, "h2", "eu-west", res(16000, 32768, 1000, 0))

	undrain := func(op byte, host, reason string) error {
		_, err := f.msg.UndrainHost(f.ctx, &types.MsgUndrainHost{Operator: addr(op), HostId: host, Reason: reason})
		return err
	}
	// an ACTIVE host cannot be undrained
	f.requireFailsUnchanged(types.ErrHostNotDraining, func() error { return undrain(1, "h1", "") })

	_, err = f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: addr(1), HostId: "h1", Reason: "kernel upgrade"})
	require.NoError(t, err)
	f.nextBlock() // one VM per block: ids[0] moves to h2
	f.invariants()
	require.Equal(t, "h2", f.vm(ids[0]).HostId)
	require.Equal(t, uint64(2), f.host("h1").VmCount)
	cursor, err := f.k.DrainCursor.Get(f.ctx, "h1")
	require.NoError(t, err)
	require.Equal(t, ids[0], cursor)

	// errors change nothing
	f.requireFailsUnchanged(types.ErrNotHostOperator, func() error { return undrain(2, "h1", "") })
	f.requireFailsUnchanged(types.ErrHostNotFound, func() error { return undrain(1, "nope", "") })
	f.requireFailsUnchanged(sdkerrors.ErrInvalidAddress, func() error {
		_, err := f.msg.UndrainHost(f.ctx, &types.MsgUndrainHost{Operator: "nova1xyz", HostId: "h1"})
		return err
	})
	f.requireFailsUnchanged(types.ErrInvalidHost, func() error { return undrain(1, "h1", strings.Repeat("x", types.MaxReasonLen+1)) })

	// while DRAINING, a VM that needs h1's label stays PENDING
	lbl := types.Constraints{RequiredLabels: []types.Label{ssd}}
	require.Empty(t, f.createVM(6, "pending", res(500, 512, 1, 0), 1, lbl).HostIds[0])

	ctx := f.ctx
	f.ctx = f.ctx.WithEventManager(sdk.NewEventManager())
	require.NoError(t, undrain(1, "h1", "upgrade done"))
	events := f.ctx.EventManager().Events()
	f.ctx = ctx
	h := f.host("h1")
	require.Equal(t, types.HOST_STATUS_ACTIVE, h.Status)
	f.invariants() // the placement index mirrors ACTIVE hosts again, h1 included

	// back in every index scope (global, region, GPU, region GPU, label, region label) at its free cpu
	scopes := types.HostScopes(h)
	require.Len(t, scopes, 6)
	for _, s := range scopes {
		has, err := f.k.Hosts.Indexes.Placement.Has(f.ctx, collections.Join3(s, h.Free().CpuMillis, "h1"))
		require.NoError(t, err)
		require.True(t, has, "scope %q", s)
	}
	// out of the drain queue, cursor gone
	has, err := f.k.DrainQueue.Has(f.ctx, "h1")
	require.NoError(t, err)
	require.False(t, has)
	has, err = f.k.DrainCursor.Has(f.ctx, "h1")
	require.NoError(t, err)
	require.False(t, has)

	// event and audit entry
	require.Len(t, events, 1)
	require.Equal(t, types.EventTypeHostUndrained, events[0].Type)
	attrs := map[string]string{}
	for _, a := range events[0].Attributes {
		attrs[a.Key] = a.Value
	}
	require.Equal(t, map[string]string{types.AttributeKeyHostID: "h1", types.AttributeKeyOperator: addr(1),
		types.AttributeKeyReason: "upgrade done"}, attrs)
	audit, err := f.query.AuditByHost(f.ctx, &types.QueryAuditByHostRequest{HostId: "h1", Pagination: &query.PageRequest{Reverse: true, Limit: 1}})
	require.NoError(t, err)
	require.Len(t, audit.Entries, 1)
	last := audit.Entries[0]
	require.Equal(t, "undrained: upgrade done", last.Reason)
	require.Equal(t, addr(1), last.Actor)
	require.Equal(t, "h1", last.HostId)
	require.Zero(t, last.VmId)
	require.Equal(t, f.ctx.BlockHeight(), last.Height)

	// a new VM is placed on it again (h1 is the only host with the label and the GPU)
	r := f.createVM(6, "gpu", res(1000, 1024, 1, 1), 1, lbl)
	require.Equal(t, "h1", r.HostIds[0])
	// the pending VM is placed on h1 at its retry
	for i := int64(0); i <= int64(p.PendingRetryIntervalBlocks); i++ {
		f.nextBlock()
	}
	pending := f.vm(r.VmIds[0] - 1)
	require.Equal(t, "pending", pending.Name)
	require.Equal(t, "h1", pending.HostId)

	// the VM already migrated stays on h2; those still on h1 stay on h1 (no more drain)
	require.Equal(t, "h2", f.vm(ids[0]).HostId)
	require.Equal(t, types.VM_STATE_MIGRATING, f.vm(ids[0]).State)
	for _, id := range ids[1:] {
		require.Equal(t, "h1", f.vm(id).HostId)
		require.Equal(t, types.VM_STATE_SCHEDULED, f.vm(id).State)
	}
	f.invariants()

	// not DRAINING any more
	f.requireFailsUnchanged(types.ErrHostNotDraining, func() error { return undrain(1, "h1", "") })

	// a fully drained host (DRAINING, out of the queue) can be undrained too
	_, err = f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: addr(2), HostId: "h2"})
	require.NoError(t, err)
	f.nextBlock() // h2's one VM (ids[0]) moves back to h1
	f.nextBlock() // h2 is empty: drained
	require.Zero(t, f.host("h2").VmCount)
	has, err = f.k.DrainQueue.Has(f.ctx, "h2")
	require.NoError(t, err)
	require.False(t, has)
	require.Equal(t, types.HOST_STATUS_DRAINING, f.host("h2").Status)
	require.NoError(t, undrain(2, "h2", ""))
	require.Equal(t, types.HOST_STATUS_ACTIVE, f.host("h2").Status)
	f.invariants()
	audit, err = f.query.AuditByHost(f.ctx, &types.QueryAuditByHostRequest{HostId: "h2", Pagination: &query.PageRequest{Reverse: true, Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, "undrained", audit.Entries[0].Reason)
}
