package app_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	protoio "github.com/cosmos/gogoproto/io"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/novacron/novacron/app"
	"github.com/novacron/novacron/voteext"
	vstypes "github.com/novacron/novacron/x/validatorset/types"
)

// veVal is a validator of the vote-extension test chain with the key it signs with.
type veVal struct {
	priv  cmted25519.PrivKey
	addr  []byte
	power int64 // its power in the commits the tests build (CometBFT's, not staking's)
}

// veChain is a real app with 4 genesis validators, vote extensions enabled at height 2, and a
// recording consumer; it has committed heights 1 and 2, so the block at 3 is the first to
// carry extensions (those of height 2).
type veChain struct {
	*chain
	vals     []veVal // sorted as CometBFT sorts a commit: descending power
	funded   *account
	consumer *recorder
}

type recorder struct {
	calls [][]voteext.Vote
	total int64
	err   error
	panic bool
	write func(ctx sdk.Context) // state written from the consumer
}

func (r *recorder) ApplyVotes(ctx sdk.Context, votes []voteext.Vote, total int64) error {
	r.calls = append(r.calls, votes)
	r.total = total
	if r.write != nil {
		r.write(ctx)
	}
	if r.panic {
		panic("consumer bug")
	}
	return r.err
}

const veEnableHeight = 2

func newVEChain(t *testing.T) *veChain { return newVEChainAt(t, 2) }

// newVEChainAt commits the first `committed` heights.
func newVEChainAt(t *testing.T, committed int) *veChain {
	t.Helper()
	powers := []int64{40, 30, 20, 10}
	var cmtVals []*cmttypes.Validator
	vals := make([]veVal, len(powers))
	for i, p := range powers {
		priv := cmted25519.GenPrivKeyFromSecret([]byte{'v', 'e', byte('0' + i)})
		vals[i] = veVal{priv: priv, addr: priv.PubKey().Address(), power: p}
		cmtVals = append(cmtVals, cmttypes.NewValidator(priv.PubKey(), 1))
	}
	vs := cmttypes.NewValidatorSet(cmtVals)
	funded := &account{priv: secp256k1.GenPrivKeyFromSecret([]byte("ve-funded")), num: 0}

	a := newApp(t)
	cdc := a.AppCodec()
	coins := sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1_000_000_000)))
	gs, err := simtestutil.GenesisStateWithValSet(cdc, a.DefaultGenesis(), vs,
		[]authtypes.GenesisAccount{authtypes.NewBaseAccount(funded.addr(), funded.priv.PubKey(), funded.num, 0)},
		banktypes.Balance{Address: funded.addr().String(), Coins: coins})
	require.NoError(t, err)
	var bankGen banktypes.GenesisState
	require.NoError(t, cdc.UnmarshalJSON(gs[banktypes.ModuleName], &bankGen))
	bondedPool := authtypes.NewModuleAddress(stakingtypes.BondedPoolName).String()
	supply := sdk.NewCoins()
	for i, b := range bankGen.Balances {
		if b.Address == bondedPool {
			bankGen.Balances[i].Coins = sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdk.DefaultPowerReduction.MulRaw(int64(len(powers)))))
		}
		supply = supply.Add(bankGen.Balances[i].Coins...)
	}
	bankGen.Supply = supply
	gs[banktypes.ModuleName] = cdc.MustMarshalJSON(&bankGen)
	var ops []vstypes.AllowedOperator
	for _, v := range vs.Validators {
		ops = append(ops, vstypes.AllowedOperator{OperatorAddress: sdk.ValAddress(v.Address).String(), Note: "genesis"})
	}
	gs[vstypes.ModuleName] = cdc.MustMarshalJSON(&vstypes.GenesisState{Operators: ops})
	// x/slashing reads the signing info of every voter of a decided last commit.
	var slashGen slashingtypes.GenesisState
	require.NoError(t, cdc.UnmarshalJSON(gs[slashingtypes.ModuleName], &slashGen))
	for _, v := range vs.Validators {
		cons := sdk.ConsAddress(v.Address).String()
		slashGen.SigningInfos = append(slashGen.SigningInfos, slashingtypes.SigningInfo{
			Address: cons, ValidatorSigningInfo: slashingtypes.NewValidatorSigningInfo(sdk.ConsAddress(v.Address), 0, 0, time.Unix(0, 0).UTC(), false, 0),
		})
	}
	gs[slashingtypes.ModuleName] = cdc.MustMarshalJSON(&slashGen)
	appState, err := json.Marshal(gs)
	require.NoError(t, err)

	cp := consensusParams()
	cp.Abci = &cmtproto.ABCIParams{VoteExtensionsEnableHeight: veEnableHeight}
	c, _ := startChain(t, appState, 1, cp, validatorUpdates(vs))
	rec := &recorder{}
	c.app.RegisterVoteConsumer(rec)
	for range committed {
		c.block(time.Second)
	}
	return &veChain{chain: c, vals: vals, funded: funded, consumer: rec}
}

// sign returns v's extension signature of ext for height at round 0.
func (c *veChain) sign(v veVal, ext []byte, height int64) []byte {
	c.t.Helper()
	var buf bytes.Buffer
	cve := cmtproto.CanonicalVoteExtension{Extension: ext, Height: height, Round: 0, ChainId: chainID}
	require.NoError(c.t, protoio.NewDelimitedWriter(&buf).WriteMsg(&cve))
	sig, err := v.priv.Sign(buf.Bytes())
	require.NoError(c.t, err)
	return sig
}

func (c *veChain) honestExt(height int64, sections ...voteext.Section) []byte {
	c.t.Helper()
	bz, err := voteext.Encode(voteext.Extension{Height: height, Sections: sections})
	require.NoError(c.t, err)
	return bz
}

// localCommit is the extended commit of the last height as CometBFT hands it to the next
// proposer: every validator committed with ext[i] (an honest extension where ext[i] is nil).
func (c *veChain) localCommit(exts map[int][]byte) abci.ExtendedCommitInfo {
	h := c.height
	info := abci.ExtendedCommitInfo{Round: 0}
	for i, v := range c.vals {
		ext, ok := exts[i]
		if !ok {
			ext = c.honestExt(h, voteext.Section{ID: voteext.SectionHeal, Payload: []byte{byte(i + 1)}})
		}
		info.Votes = append(info.Votes, abci.ExtendedVoteInfo{
			Validator:          abci.Validator{Address: v.addr, Power: v.power},
			BlockIdFlag:        cmtproto.BlockIDFlagCommit,
			VoteExtension:      ext,
			ExtensionSignature: c.sign(v, ext, h),
		})
	}
	return info
}

func lastCommitOf(info abci.ExtendedCommitInfo) abci.CommitInfo {
	ci := abci.CommitInfo{Round: info.Round}
	for _, v := range info.Votes {
		ci.Votes = append(ci.Votes, abci.VoteInfo{Validator: v.Validator, BlockIdFlag: v.BlockIdFlag})
	}
	return ci
}

func (c *veChain) prepare(local abci.ExtendedCommitInfo, txs ...[]byte) [][]byte {
	c.t.Helper()
	res, err := c.app.PrepareProposal(&abci.RequestPrepareProposal{
		MaxTxBytes: 1 << 20, Txs: txs, LocalLastCommit: local, Height: c.height + 1,
		Time: c.time.Add(time.Second), ProposerAddress: c.vals[0].addr,
	})
	require.NoError(c.t, err)
	return res.Txs
}

func (c *veChain) process(txs [][]byte, last abci.CommitInfo) abci.ResponseProcessProposal_ProposalStatus {
	c.t.Helper()
	res, err := c.app.ProcessProposal(&abci.RequestProcessProposal{
		Txs: txs, ProposedLastCommit: last, Height: c.height + 1, Time: c.time.Add(time.Second),
		ProposerAddress: c.vals[0].addr, Hash: bytes.Repeat([]byte{1}, 32),
	})
	require.NoError(c.t, err)
	return res.Status
}

// finalize executes and commits the block at the next height.
func (c *veChain) finalize(txs [][]byte, last abci.CommitInfo) *abci.ResponseFinalizeBlock {
	c.t.Helper()
	c.height++
	c.time = c.time.Add(time.Second)
	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{
		Txs: txs, DecidedLastCommit: last, Height: c.height, Time: c.time, ProposerAddress: c.vals[0].addr,
	})
	require.NoError(c.t, err)
	require.Len(c.t, res.TxResults, len(txs))
	_, err = c.app.Commit()
	require.NoError(c.t, err)
	return res
}

func injected(t *testing.T, txs [][]byte) abci.ExtendedCommitInfo {
	t.Helper()
	require.NotEmpty(t, txs)
	info, err := app.DecodeInjected(txs[0])
	require.NoError(t, err)
	return info
}

func kept(info abci.ExtendedCommitInfo) (n int) {
	for _, v := range info.Votes {
		if len(v.VoteExtension) > 0 {
			n++
		}
	}
	return n
}

func TestVoteExtensionsHonestBlock(t *testing.T) {
	c := newVEChain(t)
	send := c.signTx(c.funded, signing.SignMode_SIGN_MODE_DIRECT,
		banktypes.NewMsgSend(c.funded.addr(), c.funded.addr(), sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1))))
	local := c.localCommit(nil)
	txs := c.prepare(local, send)
	require.Len(t, txs, 2)
	require.True(t, app.IsInjected(txs[0]))
	require.Equal(t, send, txs[1])
	require.Equal(t, 4, kept(injected(t, txs)))
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, c.process(txs, lastCommitOf(local)))

	res := c.finalize(txs, lastCommitOf(local))
	requireCode(t, res.TxResults[0], app.ErrInjectedNotTx, "injected item")
	require.Zero(t, res.TxResults[0].GasWanted)
	requireCode(t, res.TxResults[1], nil, "the send after it")

	require.Len(t, c.consumer.calls, 1)
	votes := c.consumer.calls[0]
	require.Len(t, votes, 4)
	require.EqualValues(t, 100, c.consumer.total)
	for i, v := range votes {
		require.Equal(t, c.vals[i].addr, v.Validator)
		require.Equal(t, c.vals[i].power, v.Power)
		require.EqualValues(t, 2, v.Extension.Height)
		require.Equal(t, []byte{byte(i + 1)}, v.Extension.Get(voteext.SectionHeal))
	}

	// The injected bytes never enter the mempool.
	chk, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: txs[0], Type: abci.CheckTxType_New})
	require.NoError(t, err)
	codespace, code, _ := errorsmod.ABCIInfo(app.ErrInjectedNotTx, false)
	require.Equal(t, code, chk.Code, chk.Log)
	require.Equal(t, codespace, chk.Codespace)
	require.Contains(t, chk.Log, "not a transaction")

	// The chain goes on: the next block carries height 3's extensions.
	local = c.localCommit(nil)
	txs = c.prepare(local)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, c.process(txs, lastCommitOf(local)))
	c.finalize(txs, lastCommitOf(local))
	require.Len(t, c.consumer.calls, 2)
	require.EqualValues(t, 3, c.consumer.calls[1][0].Extension.Height)
}

// Bad extensions of a minority are dropped by the proposer; the proposal is accepted and the
// consumer sees only the honest votes.
func TestVoteExtensionsBadOnesDropped(t *testing.T) {
	c := newVEChain(t)
	h := c.height
	old := c.honestExt(h - 1)
	for name, tc := range map[string]struct {
		exts  func() map[int][]byte
		fix   func(info *abci.ExtendedCommitInfo) // applied after signing
		kept  int
		power int64
	}{
		"malformed": {exts: func() map[int][]byte { return map[int][]byte{3: []byte("garbage")} }, kept: 3},
		"empty":     {exts: func() map[int][]byte { return map[int][]byte{3: {}} }, kept: 3},
		"oversized": {exts: func() map[int][]byte {
			big := append(c.honestExt(h), bytes.Repeat([]byte{0}, voteext.MaxBytes)...)
			return map[int][]byte{3: big}
		}, kept: 3},
		"wrong height":   {exts: func() map[int][]byte { return map[int][]byte{3: c.honestExt(h + 5)} }, kept: 3},
		"heartbeat v1":   {exts: func() map[int][]byte { return map[int][]byte{3: {1, 0, 0, 0, 0, 0, 0, 0, 2}} }, kept: 3},
		"replayed bytes": {exts: func() map[int][]byte { return map[int][]byte{3: old} }, kept: 3}, // h−1's extension, re-signed for h
		"replayed signature": {exts: func() map[int][]byte { return nil }, fix: func(info *abci.ExtendedCommitInfo) {
			// validator 3 replays its own signature of h−1's extension: signed bytes differ
			info.Votes[3].VoteExtension = c.honestExt(h)
			var buf bytes.Buffer
			cve := cmtproto.CanonicalVoteExtension{Extension: info.Votes[3].VoteExtension, Height: h - 1, ChainId: chainID}
			require.NoError(t, protoio.NewDelimitedWriter(&buf).WriteMsg(&cve))
			sig, err := c.vals[3].priv.Sign(buf.Bytes())
			require.NoError(t, err)
			info.Votes[3].ExtensionSignature = sig
		}, kept: 3},
		"copied from another validator": {exts: func() map[int][]byte { return nil }, fix: func(info *abci.ExtendedCommitInfo) {
			info.Votes[3].VoteExtension = info.Votes[0].VoteExtension
			info.Votes[3].ExtensionSignature = info.Votes[0].ExtensionSignature
		}, kept: 3},
		"minority of fakes (30 of 100)": {exts: func() map[int][]byte {
			return map[int][]byte{2: []byte("fake"), 3: c.honestExt(h + 1)}
		}, kept: 2},
	} {
		t.Run(name, func(t *testing.T) {
			local := c.localCommit(tc.exts())
			if tc.fix != nil {
				tc.fix(&local)
			}
			txs := c.prepare(local)
			info := injected(t, txs)
			require.Equal(t, tc.kept, kept(info))
			require.Len(t, info.Votes, 4, "dropped votes stay in the commit, without extension")
			require.Equal(t, abci.ResponseProcessProposal_ACCEPT, c.process(txs, lastCommitOf(local)))
			require.LessOrEqual(t, len(txs[0]), 4*(voteext.MaxBytes+200))
		})
	}

	// One of them goes all the way through a block.
	local := c.localCommit(map[int][]byte{3: []byte("garbage")})
	txs := c.prepare(local)
	c.finalize(txs, lastCommitOf(local))
	require.Len(t, c.consumer.calls, 1)
	require.Len(t, c.consumer.calls[0], 3)
	require.EqualValues(t, 100, c.consumer.total)
}

// With fewer than 2/3 of the power valid no acceptable proposal exists: the proposer proposes
// no injected item and every validator rejects that.
func TestVoteExtensionsMajorityFake(t *testing.T) {
	c := newVEChain(t)
	local := c.localCommit(map[int][]byte{0: []byte("fake"), 1: []byte("fake")})
	txs := c.prepare(local)
	for _, tx := range txs {
		require.False(t, app.IsInjected(tx))
	}
	require.Equal(t, abci.ResponseProcessProposal_REJECT, c.process(txs, lastCommitOf(local)))
}

func TestVoteExtensionsProcessRejects(t *testing.T) {
	c := newVEChain(t)
	h := c.height
	local := c.localCommit(nil)
	last := lastCommitOf(local)
	honest := c.prepare(local)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, c.process(honest, last))
	send := c.signTx(c.funded, signing.SignMode_SIGN_MODE_DIRECT,
		banktypes.NewMsgSend(c.funded.addr(), c.funded.addr(), sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1))))

	item := func(mod func(info *abci.ExtendedCommitInfo)) []byte {
		info := injected(t, honest)
		info.Votes = append([]abci.ExtendedVoteInfo(nil), info.Votes...)
		mod(&info)
		bz, err := app.EncodeInjected(info)
		require.NoError(t, err)
		return bz
	}
	unfiltered := func(exts map[int][]byte) []byte { // a proposer that skips the filter
		bz, err := app.EncodeInjected(c.localCommit(exts))
		require.NoError(t, err)
		return bz
	}
	for name, txs := range map[string][][]byte{
		"missing":              {},
		"missing, a tx first":  {send},
		"injected item second": {send, honest[0]},
		"second injected item": {honest[0], honest[0]},
		"wrong version": {func() []byte {
			bz := append([]byte(nil), honest[0]...)
			bz[len(app.InjectedMagic)] = 2
			return bz
		}()},
		"trailing bytes":      {append(append([]byte(nil), honest[0]...), 0)},
		"wrong wire type":     {append(append([]byte(nil), honest[0]...), 0x10, 0x00)},
		"not canonical":       {append(append([]byte(nil), honest[0]...), 0x08, 0x00)}, // an explicit round 0 after the votes
		"truncated":           {honest[0][:len(honest[0])-3]},
		"bare magic":          {app.InjectedMagic},
		"garbage after magic": {append(append([]byte(nil), app.InjectedMagic...), 1, 0xff, 0xff)},
		"modified extension": {item(func(info *abci.ExtendedCommitInfo) {
			info.Votes[1].VoteExtension = c.honestExt(h, voteext.Section{ID: voteext.SectionHeal, Payload: []byte{9}})
		})},
		"forged signature": {item(func(info *abci.ExtendedCommitInfo) {
			sig := append([]byte(nil), info.Votes[1].ExtensionSignature...)
			sig[0] ^= 1
			info.Votes[1].ExtensionSignature = sig
		})},
		"extension without signature": {item(func(info *abci.ExtendedCommitInfo) { info.Votes[1].ExtensionSignature = nil })},
		"signature without extension": {item(func(info *abci.ExtendedCommitInfo) { info.Votes[1].VoteExtension = nil })},
		"kept an invalid extension":   {unfiltered(map[int][]byte{3: []byte("garbage")})},
		"kept a wrong-height one":     {unfiltered(map[int][]byte{3: c.honestExt(h - 1)})},
		"honest votes dropped beyond 1/3": {item(func(info *abci.ExtendedCommitInfo) {
			for _, i := range []int{1, 2} {
				info.Votes[i].VoteExtension, info.Votes[i].ExtensionSignature = nil, nil
			}
		})},
		"flag changed": {item(func(info *abci.ExtendedCommitInfo) {
			info.Votes[3] = abci.ExtendedVoteInfo{Validator: info.Votes[3].Validator, BlockIdFlag: cmtproto.BlockIDFlagAbsent}
		})},
		"power changed": {item(func(info *abci.ExtendedCommitInfo) { info.Votes[3].Validator.Power = 11 })},
		"round changed": {item(func(info *abci.ExtendedCommitInfo) { info.Round = 1 })},
		"vote missing":  {item(func(info *abci.ExtendedCommitInfo) { info.Votes = info.Votes[:3] })},
		"validators swapped": {item(func(info *abci.ExtendedCommitInfo) {
			info.Votes[2], info.Votes[3] = info.Votes[3], info.Votes[2]
		})},
	} {
		require.Equal(t, abci.ResponseProcessProposal_REJECT, c.process(txs, last), name)
	}
}

// Before extensions are enabled (the block at the enable height carries none) the proposer
// injects nothing and an injected item is rejected.
func TestVoteExtensionsItemRejectedBeforeEnabled(t *testing.T) {
	c := newVEChainAt(t, 1)
	txs := c.prepare(abci.ExtendedCommitInfo{})
	require.Empty(t, txs)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, c.process(nil, abci.CommitInfo{}))
	item, err := app.EncodeInjected(abci.ExtendedCommitInfo{})
	require.NoError(t, err)
	require.Equal(t, abci.ResponseProcessProposal_REJECT, c.process([][]byte{item}, abci.CommitInfo{}))
	c.finalize(nil, abci.CommitInfo{})
	require.Empty(t, c.consumer.calls)
}

func TestVoteExtensionsConsumerFailureDoesNotHalt(t *testing.T) {
	for name, fail := range map[string]func(r *recorder){
		"error": func(r *recorder) { r.err = errors.New("consumer refuses") },
		"panic": func(r *recorder) { r.panic = true },
	} {
		t.Run(name, func(t *testing.T) {
			c := newVEChain(t)
			key := []byte("written by the consumer")
			store := c.app.GetKey(banktypes.StoreKey)
			c.consumer.write = func(ctx sdk.Context) { ctx.KVStore(store).Set(key, []byte{1}) }
			fail(c.consumer)
			local := c.localCommit(nil)
			txs := c.prepare(local)
			res := c.finalize(txs, lastCommitOf(local))
			require.Len(t, res.TxResults, 1)
			require.Len(t, c.consumer.calls, 1)
			require.False(t, c.queryCtx().KVStore(store).Has(key), "a failed consumer's writes are discarded")

			// and a consumer that succeeds keeps them
			c.consumer.err, c.consumer.panic = nil, false
			local = c.localCommit(nil)
			c.finalize(c.prepare(local), lastCommitOf(local))
			require.True(t, c.queryCtx().KVStore(store).Has(key))
		})
	}
}

// The byte-level example of docs/VOTE_EXTENSIONS.md, and strict decoding around it.
func TestInjectedItemExample(t *testing.T) {
	info := abci.ExtendedCommitInfo{Votes: []abci.ExtendedVoteInfo{{
		Validator:   abci.Validator{Address: bytes.Repeat([]byte{0xaa}, 20), Power: 10},
		BlockIdFlag: cmtproto.BlockIDFlagCommit, VoteExtension: []byte{2, 2}, ExtensionSignature: bytes.Repeat([]byte{0x55}, 64),
	}}}
	bz, err := app.EncodeInjected(info)
	require.NoError(t, err)
	want := "006e6f766163726f6e2f766f7465657874" + "01" + "1262" + "0a180a14" + strings.Repeat("aa", 20) + "180a" +
		"1a020202" + "2240" + strings.Repeat("55", 64) + "2802"
	require.Equal(t, want, hex.EncodeToString(bz))
	require.Len(t, bz, 118)
	got, err := app.DecodeInjected(bz)
	require.NoError(t, err)
	require.Equal(t, info.Votes[0].VoteExtension, got.Votes[0].VoteExtension)

	for name, bad := range map[string][]byte{
		"explicit round 0": append(append([]byte(nil), bz...), 0x08, 0x00),
		"unknown field":    append(append([]byte(nil), bz...), 0x30, 0x01),
		"no version":       app.InjectedMagic,
		"version 0":        append(append([]byte(nil), app.InjectedMagic...), 0),
		"no magic":         bz[1:],
	} {
		_, err := app.DecodeInjected(bad)
		require.ErrorIs(t, err, app.ErrInjectedMalformed, name)
	}
	// A plain SDK tx never looks like the item.
	require.False(t, app.IsInjected([]byte{0x0a, 0x00}))
}

// Clients decode the item to a placeholder tx, so `query tx` and `query txs` show it.
func TestInjectedAwareTxConfig(t *testing.T) {
	a := newApp(t)
	item, err := app.EncodeInjected(abci.ExtendedCommitInfo{})
	require.NoError(t, err)
	_, err = a.TxConfig().TxDecoder()(item)
	require.Error(t, err, "the plain decoder refuses it")
	cfg := app.InjectedAwareTxConfig(a.TxConfig())
	tx, err := cfg.TxDecoder()(item)
	require.NoError(t, err)
	any := tx.(interface{ AsAny() *codectypes.Any }).AsAny()
	res := sdk.NewResponseResultTx(&coretypes.ResultTx{Tx: item, Height: 3, TxResult: abci.ExecTxResult{Code: 2, Codespace: "voteext"}}, any, "")
	bz, err := a.AppCodec().MarshalJSON(res)
	require.NoError(t, err)
	require.Contains(t, string(bz), app.InjectedMemo)
	// ordinary txs still decode through it
	send := banktypes.NewMsgSend(sdk.AccAddress("a"), sdk.AccAddress("b"), nil)
	b := a.TxConfig().NewTxBuilder()
	require.NoError(t, b.SetMsgs(send))
	txBz, err := a.TxConfig().TxEncoder()(b.GetTx())
	require.NoError(t, err)
	dec, err := cfg.TxDecoder()(txBz)
	require.NoError(t, err)
	require.Len(t, dec.GetMsgs(), 1)
}
