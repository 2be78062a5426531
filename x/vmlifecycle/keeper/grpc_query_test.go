package keeper_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// allVMs pages through Query/VMs with limit per page and returns the VMs and the number of pages.
func (f *fixture) allVMs(req types.QueryVMsRequest, limit uint64) ([]types.VM, int) {
	f.t.Helper()
	var out []types.VM
	var key []byte
	for pages := 1; ; pages++ {
		r := req
		r.Pagination = &query.PageRequest{Key: key, Limit: limit}
		res, err := f.query.VMs(f.ctx, &r)
		require.NoError(f.t, err)
		require.LessOrEqual(f.t, uint64(len(res.Vms)), limit)
		out = append(out, res.Vms...)
		if key = res.Pagination.NextKey; key == nil {
			return out, pages
		}
		require.Len(f.t, key, 8, "next_key is the next VM id, 8 bytes big-endian")
		require.Greater(f.t, binary.BigEndian.Uint64(key), out[len(out)-1].Id)
	}
}

func ids(vms []types.VM) []uint64 {
	out := make([]uint64, len(vms))
	for i, v := range vms {
		out[i] = v.Id
	}
	return out
}

func TestQueryVMs(t *testing.T) {
	f := newFixture(t)

	// empty: no VMs, no next key, with or without a filter
	for _, st := range []types.VMState{types.VM_STATE_UNSPECIFIED, types.VM_STATE_RUNNING} {
		res, err := f.query.VMs(f.ctx, &types.QueryVMsRequest{State: st})
		require.NoError(t, err)
		require.Empty(t, res.Vms)
		require.Nil(t, res.Pagination.NextKey)
		res, err = f.query.VMs(f.ctx, &types.QueryVMsRequest{State: st, Owner: addr(5)})
		require.NoError(t, err)
		require.Empty(t, res.Vms)
	}

	// 8 VMs of two owners: 1..4 and 7 placed on h1, 5 and 6 PENDING (too big for any host), then
	// 2 RUNNING, 3 STOPPED, 4 DELETED, 7 RUNNING, 8 (owner 6) SCHEDULED.
	f.registerHost(1, "h1", "eu-west", res(16000, 32768, 1000, 0))
	for i, owner := range []byte{5, 5, 5, 5, 6, 6, 5, 6} {
		r := res(1000, 1024, 1, 0)
		if i == 4 || i == 5 {
			r = res(64000, 1024, 1, 0)
		}
		f.createVM(owner, "vm"+string(rune('a'+i)), r, 1, types.Constraints{})
	}
	require.Equal(t, types.VM_STATE_PENDING, f.vm(5).State)
	require.NoError(t, f.report(1, 2, types.VM_STATE_RUNNING))
	require.NoError(t, f.report(1, 7, types.VM_STATE_RUNNING))
	_, err := f.msg.StopVM(f.ctx, &types.MsgStopVM{Owner: addr(5), VmId: 3})
	require.NoError(t, err)
	require.NoError(t, f.report(1, 3, types.VM_STATE_STOPPED))
	_, err = f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: 4})
	require.NoError(t, err)

	// every VM, deleted included, in id order, across pages of 3 (3 + 3 + 2)
	vms, pages := f.allVMs(types.QueryVMsRequest{}, 3)
	require.Equal(t, []uint64{1, 2, 3, 4, 5, 6, 7, 8}, ids(vms))
	require.Equal(t, 3, pages)
	require.Equal(t, types.VM_STATE_DELETED, vms[3].State)
	require.Equal(t, f.vm(7), vms[6])
	// one page when it all fits; the default limit (no pagination) too
	_, pages = f.allVMs(types.QueryVMsRequest{}, 8)
	require.Equal(t, 1, pages)
	res0, err := f.query.VMs(f.ctx, &types.QueryVMsRequest{})
	require.NoError(t, err)
	require.Len(t, res0.Vms, 8)
	require.Nil(t, res0.Pagination.NextKey)

	// a state filter, one per page: the next key skips the VMs in other states
	vms, pages = f.allVMs(types.QueryVMsRequest{State: types.VM_STATE_RUNNING}, 1)
	require.Equal(t, []uint64{2, 7}, ids(vms))
	require.LessOrEqual(t, pages, 3)
	for st, want := range map[types.VMState][]uint64{
		types.VM_STATE_PENDING:   {5, 6},
		types.VM_STATE_SCHEDULED: {1, 8},
		types.VM_STATE_STOPPED:   {3},
		types.VM_STATE_DELETED:   {4},
		types.VM_STATE_FAILED:    nil,
	} {
		vms, _ = f.allVMs(types.QueryVMsRequest{State: st}, 2)
		require.Equal(t, want, nilIfEmpty(ids(vms)), st.String())
	}

	// an owner, with and without a state, across pages
	vms, _ = f.allVMs(types.QueryVMsRequest{Owner: addr(5)}, 2)
	require.Equal(t, []uint64{1, 2, 3, 4, 7}, ids(vms))
	vms, _ = f.allVMs(types.QueryVMsRequest{Owner: addr(6)}, 2)
	require.Equal(t, []uint64{5, 6, 8}, ids(vms))
	vms, _ = f.allVMs(types.QueryVMsRequest{Owner: addr(5), State: types.VM_STATE_RUNNING}, 1)
	require.Equal(t, []uint64{2, 7}, ids(vms))
	vms, _ = f.allVMs(types.QueryVMsRequest{Owner: addr(6), State: types.VM_STATE_RUNNING}, 1)
	require.Empty(t, vms)
	vms, _ = f.allVMs(types.QueryVMsRequest{Owner: addr(9)}, 2)
	require.Empty(t, vms)
	// the same as VMsByOwner
	byOwner, err := f.query.VMsByOwner(f.ctx, &types.QueryVMsByOwnerRequest{Owner: addr(5)})
	require.NoError(t, err)
	vms, _ = f.allVMs(types.QueryVMsRequest{Owner: addr(5)}, 100)
	require.Equal(t, byOwner.Vms, vms)

	// a page may start at any id (8 bytes big-endian), present or not
	key := make([]byte, 8)
	binary.BigEndian.PutUint64(key, 4)
	r, err := f.query.VMs(f.ctx, &types.QueryVMsRequest{Pagination: &query.PageRequest{Key: key, Limit: 2}})
	require.NoError(t, err)
	require.Equal(t, []uint64{4, 5}, ids(r.Vms))
	binary.BigEndian.PutUint64(key, 100)
	r, err = f.query.VMs(f.ctx, &types.QueryVMsRequest{Pagination: &query.PageRequest{Key: key, Limit: 2}})
	require.NoError(t, err)
	require.Empty(t, r.Vms)
	require.Nil(t, r.Pagination.NextKey)

	// offset and count_total count the filtered VMs
	r, err = f.query.VMs(f.ctx, &types.QueryVMsRequest{State: types.VM_STATE_SCHEDULED,
		Pagination: &query.PageRequest{Offset: 1, Limit: 5, CountTotal: true}})
	require.NoError(t, err)
	require.Equal(t, []uint64{8}, ids(r.Vms))
	require.Equal(t, uint64(2), r.Pagination.Total)

	// bad input
	_, err = f.query.VMs(f.ctx, nil)
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	_, err = f.query.VMs(f.ctx, &types.QueryVMsRequest{State: types.VMState(99)})
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	_, err = f.query.VMs(f.ctx, &types.QueryVMsRequest{Owner: "nova1xyz"})
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	_, err = f.query.VMs(f.ctx, &types.QueryVMsRequest{Pagination: &query.PageRequest{Key: key, Offset: 1}})
	require.Equal(t, codes.InvalidArgument, status.Code(err))
}

func nilIfEmpty(s []uint64) []uint64 {
	if len(s) == 0 {
		return nil
	}
	return s
}
