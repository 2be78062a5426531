package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

func (f *fixture) createRule(owner byte, trig types.Trigger, act types.RuleAction, vmIDs ...uint64) (uint64, error) {
	r, err := f.msg.CreateRule(f.ctx, &types.MsgCreateRule{Owner: addr(owner), Trigger: trig, Action: act, VmIds: vmIDs})
	if err != nil {
		return 0, err
	}
	return r.RuleId, nil
}

func (f *fixture) rule(id uint64) types.Rule {
	f.t.Helper()
	r, err := f.query.Rule(f.ctx, &types.QueryRuleRequest{RuleId: id})
	require.NoError(f.t, err)
	return r.Rule
}

func TestRuleRestartOnFailure(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	ruleID, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: id, State: types.VM_STATE_FAILED},
		types.RuleAction{Kind: types.OP_KIND_START}, id)
	require.NoError(t, err)
	require.NoError(t, f.report(1, id, types.VM_STATE_RUNNING))
	f.nextBlock()
	require.Zero(t, f.rule(ruleID).FireCount)

	require.NoError(t, f.report(1, id, types.VM_STATE_FAILED))
	require.Equal(t, types.VM_STATE_FAILED, f.vm(id).State)
	f.nextBlock() // EndBlock restarts it
	require.Equal(t, types.VM_STATE_SCHEDULED, f.vm(id).State)
	r := f.rule(ruleID)
	require.Equal(t, uint64(1), r.FireCount)
	require.Empty(t, r.LastError)

	// fails again later: fires again
	require.NoError(t, f.report(1, id, types.VM_STATE_RUNNING))
	require.NoError(t, f.report(1, id, types.VM_STATE_FAILED))
	f.nextBlock()
	require.Equal(t, types.VM_STATE_SCHEDULED, f.vm(id).State)
	require.Equal(t, uint64(2), f.rule(ruleID).FireCount)

	// deleted rules do nothing
	f.requireFailsUnchanged(types.ErrNotRuleOwner, func() error {
		_, err := f.msg.DeleteRule(f.ctx, &types.MsgDeleteRule{Owner: addr(6), RuleId: ruleID})
		return err
	})
	_, err = f.msg.DeleteRule(f.ctx, &types.MsgDeleteRule{Owner: addr(5), RuleId: ruleID})
	require.NoError(t, err)
	f.requireFailsUnchanged(types.ErrRuleNotFound, func() error {
		_, err := f.msg.DeleteRule(f.ctx, &types.MsgDeleteRule{Owner: addr(5), RuleId: ruleID})
		return err
	})
	require.NoError(t, f.report(1, id, types.VM_STATE_FAILED))
	f.nextBlock()
	require.Equal(t, types.VM_STATE_FAILED, f.vm(id).State)
	f.invariants()
}

func TestRulesNoLoopsAndOncePerBlock(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	a := f.createVM(5, "a", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	b := f.createVM(5, "b", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	// a FAILED → start a; a SCHEDULED → stop b; b STOPPING → ... (chain through rule actions)
	r1, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: a, State: types.VM_STATE_FAILED},
		types.RuleAction{Kind: types.OP_KIND_START}, a)
	require.NoError(t, err)
	r2, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: a, State: types.VM_STATE_SCHEDULED},
		types.RuleAction{Kind: types.OP_KIND_STOP}, b)
	require.NoError(t, err)
	// a second FAILED trigger for r1 in the same block: r1 still fires once
	r3, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: b, State: types.VM_STATE_FAILED},
		types.RuleAction{Kind: types.OP_KIND_START}, a)
	require.NoError(t, err)
	require.NoError(t, f.report(1, a, types.VM_STATE_FAILED))
	require.NoError(t, f.report(1, b, types.VM_STATE_FAILED))
	f.nextBlock()
	// r1 restarted a (SCHEDULED) — that change must not fire r2 in the same block
	require.Equal(t, types.VM_STATE_SCHEDULED, f.vm(a).State)
	require.Equal(t, uint64(1), f.rule(r1).FireCount)
	require.Zero(t, f.rule(r2).FireCount)
	// r3 fired in the same block but its start failed (a was already restarted): error recorded
	require.Equal(t, uint64(1), f.rule(r3).FireCount)
	require.Contains(t, f.rule(r3).LastError, "illegal VM state transition")
	require.NotContains(t, f.rule(r3).LastError, ".go:", "state must not carry the error's source frame (a build path)")
	require.Equal(t, types.VM_STATE_FAILED, f.vm(b).State)
	// next block: r2 sees a's SCHEDULED and stops b — but b is FAILED → STOPPING is illegal
	f.nextBlock()
	require.Equal(t, uint64(1), f.rule(r2).FireCount)
	require.Contains(t, f.rule(r2).LastError, "FAILED")
	f.invariants()
}

func TestRuleHostDrainAndHeightTriggers(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	f.registerHost(1, "h2", "us-east", res(8000, 16384, 100, 0))
	f.registerHost(2, "h3", "eu-west", res(8000, 16384, 100, 0))
	keep := f.createVM(5, "keep", res(1000, 1024, 1, 0), 1, types.Constraints{AllowedRegions: []string{"us-east"}}).VmIds[0]
	require.Equal(t, "h1", f.vm(id).HostId)
	require.Equal(t, "h2", f.vm(keep).HostId)
	// when h1 starts draining, delete web; when it is drained, stop keep; at height+3, delete keep
	rDraining, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_HOST_DRAINING, HostId: "h1"},
		types.RuleAction{Kind: types.OP_KIND_DELETE}, id)
	require.NoError(t, err)
	rDrained, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_HOST_DRAINED, HostId: "h1"},
		types.RuleAction{Kind: types.OP_KIND_STOP}, keep)
	require.NoError(t, err)
	at := f.ctx.BlockHeight() + 3
	rHeight, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_HEIGHT, Height: at},
		types.RuleAction{Kind: types.OP_KIND_DELETE}, keep)
	require.NoError(t, err)
	_, err = f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: addr(1), HostId: "h1"})
	require.NoError(t, err)
	f.nextBlock()
	// the drain moved web to h3, then the rule (draining was recorded in the tx) deleted it, same EndBlock
	require.Equal(t, uint64(1), f.rule(rDraining).FireCount)
	require.Empty(t, f.rule(rDraining).LastError)
	require.Equal(t, types.VM_STATE_DELETED, f.vm(id).State)
	require.Equal(t, types.Resources{}, f.host("h3").Allocated)
	// drained in the same EndBlock (after the move) → stop keep
	require.Equal(t, uint64(1), f.rule(rDrained).FireCount)
	require.Equal(t, types.VM_STATE_STOPPING, f.vm(keep).State)
	for f.ctx.BlockHeight() < at {
		require.Zero(t, f.rule(rHeight).FireCount)
		f.nextBlock()
	}
	f.nextBlock()
	require.Equal(t, uint64(1), f.rule(rHeight).FireCount)
	require.Equal(t, types.VM_STATE_DELETED, f.vm(keep).State)
	for i := 0; i < 3; i++ {
		f.nextBlock()
	}
	require.Equal(t, uint64(1), f.rule(rHeight).FireCount, "height rules fire once")
	list, err := f.query.RulesByOwner(f.ctx, &types.QueryRulesByOwnerRequest{Owner: addr(5)})
	require.NoError(t, err)
	require.Len(t, list.Rules, 3)
	f.invariants()
}

func TestRuleGuardedActionBecomesProposal(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	f.setPolicy(5, 0, 1, 50, 20)
	ruleID, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: id, State: types.VM_STATE_FAILED},
		types.RuleAction{Kind: types.OP_KIND_DELETE}, id)
	require.NoError(t, err)
	require.NoError(t, f.report(1, id, types.VM_STATE_FAILED))
	f.nextBlock()
	require.Equal(t, types.VM_STATE_FAILED, f.vm(id).State, "a rule cannot bypass the approval policy")
	ops, err := f.query.OperationsByVM(f.ctx, &types.QueryOperationsByVMRequest{VmId: id, Status: types.OPERATION_STATUS_AWAITING_APPROVAL})
	require.NoError(t, err)
	require.Len(t, ops.Operations, 1)
	require.Equal(t, ruleID, ops.Operations[0].RuleId)
	_, err = f.approve(20, ops.Operations[0].Id)
	require.NoError(t, err)
	require.Equal(t, types.VM_STATE_DELETED, f.vm(id).State)
	f.invariants()
}

func TestRuleBadInput(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	mine := f.createVM(5, "a", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	mine2 := f.createVM(5, "b", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	foreign := f.createVM(6, "x", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	failed := types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: mine, State: types.VM_STATE_FAILED}
	start := types.RuleAction{Kind: types.OP_KIND_START}
	h := f.ctx.BlockHeight()
	cases := []struct {
		name string
		m    types.MsgCreateRule
		want error
	}{
		{"foreign target", types.MsgCreateRule{Owner: addr(5), Trigger: failed, Action: start, VmIds: []uint64{foreign}}, types.ErrNotVMOwner},
		{"foreign trigger vm", types.MsgCreateRule{Owner: addr(5), Trigger: types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: foreign, State: types.VM_STATE_FAILED}, Action: start, VmIds: []uint64{mine}}, types.ErrNotVMOwner},
		{"unknown target", types.MsgCreateRule{Owner: addr(5), Trigger: failed, Action: start, VmIds: []uint64{99}}, types.ErrVMNotFound},
		{"no targets", types.MsgCreateRule{Owner: addr(5), Trigger: failed, Action: start}, types.ErrInvalidRule},
		{"unsorted targets", types.MsgCreateRule{Owner: addr(5), Trigger: failed, Action: start, VmIds: []uint64{mine2, mine}}, types.ErrInvalidRule},
		{"no trigger", types.MsgCreateRule{Owner: addr(5), Action: start, VmIds: []uint64{mine}}, types.ErrInvalidRule},
		{"no state", types.MsgCreateRule{Owner: addr(5), Trigger: types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: mine}, Action: start, VmIds: []uint64{mine}}, types.ErrInvalidRule},
		{"unknown host", types.MsgCreateRule{Owner: addr(5), Trigger: types.Trigger{Kind: types.TRIGGER_KIND_HOST_DRAINED, HostId: "nope"}, Action: start, VmIds: []uint64{mine}}, types.ErrHostNotFound},
		{"past height", types.MsgCreateRule{Owner: addr(5), Trigger: types.Trigger{Kind: types.TRIGGER_KIND_HEIGHT, Height: h}, Action: start, VmIds: []uint64{mine}}, types.ErrInvalidRule},
		{"no action", types.MsgCreateRule{Owner: addr(5), Trigger: failed, VmIds: []uint64{mine}}, types.ErrInvalidRule},
		{"resize without resources", types.MsgCreateRule{Owner: addr(5), Trigger: failed, Action: types.RuleAction{Kind: types.OP_KIND_RESIZE}, VmIds: []uint64{mine}}, types.ErrInvalidResources},
		{"start with target", types.MsgCreateRule{Owner: addr(5), Trigger: failed, Action: types.RuleAction{Kind: types.OP_KIND_START, TargetHostId: "h1"}, VmIds: []uint64{mine}}, types.ErrInvalidRule},
		{"bad migrate", types.MsgCreateRule{Owner: addr(5), Trigger: failed, Action: types.RuleAction{Kind: types.OP_KIND_MIGRATE, TargetHostId: "h1", NearestRegion: "eu-west"}, VmIds: []uint64{mine}}, types.ErrInvalidMigration},
		{"incident on a foreign vm", types.MsgCreateRule{Owner: addr(5), Trigger: types.Trigger{Kind: types.TRIGGER_KIND_INCIDENT, VmId: foreign}, Action: start, VmIds: []uint64{mine}}, types.ErrNotVMOwner},
		{"incident without vm", types.MsgCreateRule{Owner: addr(5), Trigger: types.Trigger{Kind: types.TRIGGER_KIND_INCIDENT}, Action: start, VmIds: []uint64{mine}}, types.ErrInvalidRule},
		{"unknown incident kind", types.MsgCreateRule{Owner: addr(5), Trigger: types.Trigger{Kind: types.TRIGGER_KIND_INCIDENT, VmId: mine, IncidentKind: "meteor"}, Action: start, VmIds: []uint64{mine}}, types.ErrInvalidRule},
		{"incident with state", types.MsgCreateRule{Owner: addr(5), Trigger: types.Trigger{Kind: types.TRIGGER_KIND_INCIDENT, VmId: mine, State: types.VM_STATE_FAILED}, Action: start, VmIds: []uint64{mine}}, types.ErrInvalidRule},
		{"incident kind on a state trigger", types.MsgCreateRule{Owner: addr(5), Trigger: types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: mine, State: types.VM_STATE_FAILED, IncidentKind: "vm-crash"}, Action: start, VmIds: []uint64{mine}}, types.ErrInvalidRule},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.requireFailsUnchanged(tc.want, func() error { _, err := f.msg.CreateRule(f.ctx, &tc.m); return err })
		})
	}
	// at most max_rules_per_owner rules
	p := testParams()
	p.MaxRulesPerOwner = 2
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
	require.NoError(t, err)
	for i := 0; i < 2; i++ {
		_, err := f.createRule(5, failed, start, mine)
		require.NoError(t, err)
	}
	f.requireFailsUnchanged(types.ErrTooManyRules, func() error { _, err := f.createRule(5, failed, start, mine); return err })
	f.invariants()
}

func TestRuleFiringsBoundedPerBlock(t *testing.T) {
	f := newFixture(t)
	p := testParams()
	p.MaxRuleFiringsPerBlock = 2
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
	require.NoError(t, err)
	f.registerHost(1, "h1", "eu-west", res(16000, 32768, 100, 0))
	trig := f.createVM(5, "t", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	var rules []uint64
	for i := 0; i < 5; i++ {
		id := f.createVM(5, "s"+string(rune('a'+i)), res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
		r, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: trig, State: types.VM_STATE_FAILED},
			types.RuleAction{Kind: types.OP_KIND_STOP}, id)
		require.NoError(t, err)
		rules = append(rules, r)
	}
	require.NoError(t, f.report(1, trig, types.VM_STATE_FAILED))
	fired := func() (n int) {
		for _, r := range rules {
			n += int(f.rule(r).FireCount)
		}
		return n
	}
	f.nextBlock()
	require.Equal(t, 2, fired())
	f.nextBlock()
	require.Equal(t, 4, fired())
	f.nextBlock()
	require.Equal(t, 5, fired(), "the event resumes after its cursor; no rule fires twice")
	f.nextBlock()
	require.Equal(t, 5, fired())
	f.invariants()
}

// Regression: a transition made by a rule, an approved proposal or a due time-locked operation was
// audited exactly like the owner's own Msg (actor owner, reason "start"/"stop"/…); the audit reason
// now names the rule or the operation.
func TestAuditNamesRuleAndOperationOrigin(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	ruleID, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: id, State: types.VM_STATE_FAILED},
		types.RuleAction{Kind: types.OP_KIND_START}, id)
	require.NoError(t, err)
	require.NoError(t, f.report(1, id, types.VM_STATE_FAILED))
	f.nextBlock()
	require.Equal(t, types.VM_STATE_SCHEDULED, f.vm(id).State)
	last := func() types.AuditEntry {
		a, err := f.query.AuditByVM(f.ctx, &types.QueryAuditByVMRequest{VmId: id})
		require.NoError(t, err)
		return a.Entries[len(a.Entries)-1]
	}
	e := last()
	require.Equal(t, addr(5), e.Actor)
	require.Equal(t, types.VM_STATE_SCHEDULED, e.NewState)
	require.Contains(t, e.Reason, fmt.Sprintf("rule %d", ruleID))

	require.NoError(t, f.report(1, id, types.VM_STATE_RUNNING))
	resp, err := f.msg.StopVM(f.ctx, &types.MsgStopVM{Owner: addr(5), VmId: id, AtHeight: f.ctx.BlockHeight() + 1})
	require.NoError(t, err)
	f.nextBlock()
	f.nextBlock() // EndBlock of the due height runs it
	e = last()
	require.Equal(t, types.VM_STATE_STOPPING, e.NewState)
	require.Equal(t, fmt.Sprintf("stop (operation %d)", resp.OperationId), e.Reason)

	// the owner's own Msg keeps the plain reason
	require.NoError(t, f.report(1, id, types.VM_STATE_STOPPED))
	_, err = f.msg.StartVM(f.ctx, &types.MsgStartVM{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	require.Equal(t, "start", last().Reason)
	f.invariants()
}

// x/heal's NoteIncident fires INCIDENT rules on the VM, filtered by kind; VMs without such
// rules record nothing.
func TestRuleIncidentTrigger(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	watched := f.createVM(5, "w", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	other := f.createVM(5, "o", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	require.NoError(t, f.report(1, watched, types.VM_STATE_RUNNING))
	require.NoError(t, f.report(1, other, types.VM_STATE_RUNNING))
	crash, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_INCIDENT, VmId: watched, IncidentKind: "vm-crash"},
		types.RuleAction{Kind: types.OP_KIND_STOP}, other)
	require.NoError(t, err)
	anyKind, err := f.createRule(5, types.Trigger{Kind: types.TRIGGER_KIND_INCIDENT, VmId: watched}, types.RuleAction{Kind: types.OP_KIND_STOP}, watched)
	require.NoError(t, err)
	require.Equal(t, "incident (vm-crash) on vm 1", f.rule(crash).Trigger.Describe())
	require.Equal(t, "incident (any) on vm 1", f.rule(anyKind).Trigger.Describe())

	before := f.storeHash()
	require.NoError(t, f.k.NoteIncident(f.ctx, other, 9, "vm-crash"))
	require.Equal(t, before, f.storeHash(), "no rule listens on that VM: nothing recorded")

	require.NoError(t, f.k.NoteIncident(f.ctx, watched, 3, "host-down"))
	f.nextBlock()
	require.Zero(t, f.rule(crash).FireCount, "another kind")
	require.Equal(t, uint64(1), f.rule(anyKind).FireCount)
	require.Equal(t, types.VM_STATE_STOPPING, f.vm(watched).State)
	require.Equal(t, types.VM_STATE_RUNNING, f.vm(other).State)

	require.NoError(t, f.k.NoteIncident(f.ctx, watched, 4, "vm-crash"))
	f.nextBlock()
	require.Equal(t, uint64(1), f.rule(crash).FireCount)
	require.Equal(t, types.VM_STATE_STOPPING, f.vm(other).State)
	f.invariants()
}
