package keeper_test

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/cidcalc"
	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/keeper"
	qjtestutil "github.com/novacron/novacron/x/quantumjob/testutil"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// The CID on chain is the CIDv1 of the engine's canonical artifact; the sink receives exactly
// those bytes under that CID.
func TestArtifactCIDAndSink(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	sink := &qjtestutil.RecordingSink{}
	f.Keeper.SetArtifactSink(sink)
	f.Submit(t, 1, qjtestutil.GHZ3, 1000, "")
	f.Submit(t, 2, qjtestutil.NonClifford, 500, "")
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(8)))

	puts := sink.Puts()
	require.Len(t, puts, 2)
	for i, id := range []uint64{1, 2} {
		r := result(t, f, id)
		j := f.Job(t, id)
		out, err := engine.Run(j.Source, engine.Options{Shots: int(j.Shots), Seed: engine.DeriveSeed(qjtestutil.ChainID, 8, id), Limits: types.DefaultParams().EngineLimits()})
		require.NoError(t, err)
		want := out.ArtifactBytes()

		require.Equal(t, want, puts[i].Data)
		require.Equal(t, r.ArtifactCid, puts[i].CID)
		sum := sha256.Sum256(want)
		require.Equal(t, sum[:], r.ArtifactSha256)

		// Same as `ipfs add --cid-version 1`: streaming computation with kubo's v1 profile...
		c, err := cidcalc.Compute(bytes.NewReader(want), cidcalc.KuboV1)
		require.NoError(t, err)
		require.Equal(t, cidcalc.Canonical(c), r.ArtifactCid)
		// ...which, for a single chunk (< 256 KiB), is the raw block's CIDv1 over its sha2-256.
		require.Less(t, len(want), 256<<10)
		h, err := mh.Sum(want, mh.SHA2_256, -1)
		require.NoError(t, err)
		require.Equal(t, cid.NewCidV1(cid.Raw, h).String(), r.ArtifactCid)
		require.NoError(t, cidcalc.Validate(r.ArtifactCid))
		require.Equal(t, byte('b'), r.ArtifactCid[0], "base32 multibase")
	}
}

// A multi-chunk artifact is a dag-pb root over raw leaves, as kubo builds it.
func TestArtifactCIDLarge(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 300<<10/16) // 300 KiB: two chunks
	got, err := keeper.ArtifactCID(data)
	require.NoError(t, err)
	c, err := cid.Decode(got)
	require.NoError(t, err)
	require.Equal(t, uint64(1), c.Version())
	require.Equal(t, uint64(cid.DagProtobuf), c.Type())
	want, err := cidcalc.CIDv1(data)
	require.NoError(t, err)
	require.Equal(t, want.String(), got)
}

// Results carry the CID with or without a sink: the sink is not consensus.
func TestArtifactCIDWithoutSink(t *testing.T) {
	run := func(sink types.ArtifactSink) types.Result {
		f := qjtestutil.NewFixture(t, nil)
		if sink != nil {
			f.Keeper.SetArtifactSink(sink)
		}
		f.Submit(t, 1, qjtestutil.Bell, 100, "")
		require.NoError(t, f.Keeper.RunQueued(f.AtHeight(8)))
		return result(t, f, 1)
	}
	with := run(&qjtestutil.RecordingSink{})
	without := run(nil)
	require.Equal(t, with, without)
	require.NotEmpty(t, without.ArtifactCid)
}

type panickingSink struct{ calls int }

func (s *panickingSink) Put(string, []byte) { s.calls++; panic("disk on fire") }

// A sink that panics cannot break EndBlock; a sink can be replaced and removed.
func TestArtifactSinkPanicsAndRemoval(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	bad := &panickingSink{}
	f.Keeper.SetArtifactSink(bad)
	f.Submit(t, 1, qjtestutil.Bell, 1, "")
	require.NotPanics(t, func() { require.NoError(t, f.Keeper.RunQueued(f.AtHeight(8))) })
	require.Equal(t, 1, bad.calls)
	require.Equal(t, types.JOB_STATUS_SUCCEEDED, f.Job(t, 1).Status)

	rec := &qjtestutil.RecordingSink{}
	f.Keeper.SetArtifactSink(rec)
	f.Submit(t, 1, qjtestutil.Bell, 1, "")
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(9)))
	require.Len(t, rec.Puts(), 1)
	require.Equal(t, 1, bad.calls)

	f.Keeper.SetArtifactSink(nil)
	f.Submit(t, 1, qjtestutil.Bell, 1, "")
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(10)))
	require.Len(t, rec.Puts(), 1)
	require.Equal(t, types.JOB_STATUS_SUCCEEDED, f.Job(t, 3).Status)
}
