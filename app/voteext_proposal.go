package app

import (
	"bytes"
	"errors"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
	cryptoenc "github.com/cometbft/cometbft/crypto/encoding"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	protoio "github.com/cosmos/gogoproto/io"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/voteext"
)

// The proposal side of vote extensions (docs/VOTE_EXTENSIONS.md):
//
//   - PrepareProposal (height h, extensions enabled for h−1) re-verifies every extension of
//     req.LocalLastCommit: the signature over (extension, h−1, round, chain id) and
//     voteext.Verify(extension, h−1). A vote that fails either is DROPPED: its extension and
//     signature are cleared (it stays in the commit with its flag and power, so the commit
//     still matches the block's LastCommit). baseapp.ValidateVoteExtensions then checks the
//     result, treating dropped votes as absent: signatures of all kept extensions, the commit
//     against the block's LastCommit, and > 2/3 of the power kept. The result, encoded as the
//     injected item, is tx[0]; the mempool's txs follow, in MaxTxBytes minus its size.
//   - ProcessProposal requires that tx[0], decodes it strictly and runs the same check
//     against req.ProposedLastCommit (round, validators, powers and flags), so an extension
//     that fails voteext.Verify or its signature, a forged or modified item, a missing one or
//     a second one is rejected. The rest of the block goes to the SDK's default handler.
//   - The PreBlocker hands the kept extensions to the registered VoteConsumers.
//
// Clearing, not keeping, the bytes of a dropped vote bounds the injected item (each kept
// extension is at most voteext.MaxBytes, CometBFT allows 1 MiB of garbage per late vote) at
// the price that a validator cannot check a dropped vote was bad. That gives a Byzantine
// proposer nothing it lacks already: it chooses which precommits beyond +2/3 its block's
// commit carries, and more than 2/3 of the power must stay kept.

// VoteExtensionsEnabled reports whether the block at height carries the vote extensions of
// height−1: CometBFT's VoteExtensionsEnabled(height−1), as in baseapp.ValidateVoteExtensions.
func VoteExtensionsEnabled(ctx sdk.Context, height int64) bool {
	cp := ctx.ConsensusParams()
	return cp.Abci != nil && cp.Abci.VoteExtensionsEnableHeight != 0 && height > cp.Abci.VoteExtensionsEnableHeight
}

// setProposalHandlers wires PrepareProposal and ProcessProposal around the SDK's defaults
// (over the app's mempool) and the staking keeper as the signature store.
func (app *App) setProposalHandlers(valStore baseapp.ValidatorStore) {
	def := baseapp.NewDefaultProposalHandler(app.Mempool(), app.BaseApp)
	app.voteExt.valStore = valStore
	app.voteExt.prepareDefault = def.PrepareProposalHandler()
	app.voteExt.processDefault = def.ProcessProposalHandler()
	app.SetPrepareProposal(app.prepareProposal)
	app.SetProcessProposal(app.processProposal)
}

func (app *App) prepareProposal(ctx sdk.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	sub := *req
	sub.Txs = make([][]byte, 0, len(req.Txs))
	for _, tx := range req.Txs {
		if !IsInjected(tx) { // CheckTx refuses them; never propose one from the mempool
			sub.Txs = append(sub.Txs, tx)
		}
	}
	if !VoteExtensionsEnabled(ctx, req.Height) {
		return app.voteExt.prepareDefault(ctx, &sub)
	}
	info, err := app.filterLocalLastCommit(ctx, req.LocalLastCommit, req.Height)
	if err != nil {
		// No acceptable proposal can be built: baseapp logs this and proposes req.Txs, which
		// the validators reject (no injected item), and the next round has another proposer.
		return nil, fmt.Errorf("vote extensions of height %d: %w", req.Height-1, err)
	}
	item, err := EncodeInjected(info)
	if err != nil {
		return nil, err
	}
	size := cmttypes.ComputeProtoSizeForTxs([]cmttypes.Tx{item})
	if size > req.MaxTxBytes {
		return nil, fmt.Errorf("injected vote extensions of %d bytes exceed max tx bytes %d", size, req.MaxTxBytes)
	}
	sub.MaxTxBytes -= size
	res, err := app.voteExt.prepareDefault(ctx, &sub)
	if err != nil {
		return nil, err
	}
	res.Txs = append([][]byte{item}, res.Txs...)
	return res, nil
}

func (app *App) processProposal(ctx sdk.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	reject := func(err error) (*abci.ResponseProcessProposal, error) {
		ctx.Logger().Info("proposal rejected", "height", req.Height, "proposer", sdk.ConsAddress(req.ProposerAddress).String(), "err", err)
		return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}, nil
	}
	first := 0
	if VoteExtensionsEnabled(ctx, req.Height) {
		if len(req.Txs) == 0 || !IsInjected(req.Txs[0]) {
			return reject(ErrInjectedMalformed.Wrap("tx 0 is not the injected vote extensions"))
		}
		info, err := DecodeInjected(req.Txs[0])
		if err != nil {
			return reject(err)
		}
		if err := app.checkInjectedCommit(ctx, info, req.ProposedLastCommit, req.Height); err != nil {
			return reject(err)
		}
		first = 1
	}
	for i := first; i < len(req.Txs); i++ {
		if IsInjected(req.Txs[i]) {
			return reject(ErrInjectedMalformed.Wrapf("tx %d is an injected item", i))
		}
	}
	sub := *req
	sub.Txs = req.Txs[first:]
	return app.voteExt.processDefault(ctx, &sub)
}

// filterLocalLastCommit drops the votes of the proposer's local last commit whose extension
// fails voteext.Verify or its signature, then checks the result as ProcessProposal will.
func (app *App) filterLocalLastCommit(ctx sdk.Context, local abci.ExtendedCommitInfo, height int64) (abci.ExtendedCommitInfo, error) {
	out := abci.ExtendedCommitInfo{Round: local.Round, Votes: make([]abci.ExtendedVoteInfo, len(local.Votes))}
	last := abci.CommitInfo{Round: local.Round, Votes: make([]abci.VoteInfo, len(local.Votes))}
	for i, v := range local.Votes {
		out.Votes[i] = abci.ExtendedVoteInfo{Validator: v.Validator, BlockIdFlag: v.BlockIdFlag}
		last.Votes[i] = abci.VoteInfo{Validator: v.Validator, BlockIdFlag: v.BlockIdFlag}
		if v.BlockIdFlag != cmtproto.BlockIDFlagCommit {
			continue
		}
		if _, err := voteext.Verify(v.VoteExtension, height-1); err != nil {
			ctx.Logger().Info("vote extension dropped", "height", height-1, "validator", sdk.ConsAddress(v.Validator.Address).String(), "err", err)
			continue
		}
		if err := app.verifyExtensionSignature(ctx, v, local.Round, height-1); err != nil {
			ctx.Logger().Info("vote extension dropped", "height", height-1, "validator", sdk.ConsAddress(v.Validator.Address).String(), "err", err)
			continue
		}
		out.Votes[i].VoteExtension = v.VoteExtension
		out.Votes[i].ExtensionSignature = v.ExtensionSignature
	}
	if err := app.checkInjectedCommit(ctx, out, last, height); err != nil {
		return abci.ExtendedCommitInfo{}, err
	}
	return out, nil
}

// checkInjectedCommit is the rule ProcessProposal applies to the injected commit info of the
// block at height, against the last commit that block carries.
func (app *App) checkInjectedCommit(ctx sdk.Context, info abci.ExtendedCommitInfo, last abci.CommitInfo, height int64) error {
	if info.Round != last.Round {
		return ErrInjectedMismatch.Wrapf("round %d, last commit round %d", info.Round, last.Round)
	}
	if len(info.Votes) != len(last.Votes) {
		return ErrInjectedMismatch.Wrapf("%d votes, last commit has %d", len(info.Votes), len(last.Votes))
	}
	view := abci.ExtendedCommitInfo{Round: info.Round, Votes: make([]abci.ExtendedVoteInfo, len(info.Votes))}
	for i, v := range info.Votes {
		lv := last.Votes[i]
		if !bytes.Equal(v.Validator.Address, lv.Validator.Address) || v.Validator.Power != lv.Validator.Power || v.BlockIdFlag != lv.BlockIdFlag {
			return ErrInjectedMismatch.Wrapf("%s: validator, power or flag differs from the last commit", describeVote(i, v))
		}
		hasExt, hasSig := len(v.VoteExtension) > 0, len(v.ExtensionSignature) > 0
		view.Votes[i] = v
		switch {
		case v.BlockIdFlag != cmtproto.BlockIDFlagCommit:
			if hasExt || hasSig {
				return ErrInjectedMismatch.Wrapf("%s: extension on a vote that is not a commit", describeVote(i, v))
			}
		case !hasExt && !hasSig: // dropped: counts as absent
			view.Votes[i].BlockIdFlag = cmtproto.BlockIDFlagAbsent
		case !hasExt || !hasSig:
			return ErrInjectedMismatch.Wrapf("%s: extension without signature or signature without extension", describeVote(i, v))
		default:
			if _, err := voteext.Verify(v.VoteExtension, height-1); err != nil {
				return ErrInjectedMismatch.Wrapf("%s: kept an invalid extension: %v", describeVote(i, v), err)
			}
		}
	}
	if app.voteExt.valStore == nil {
		return errors.New("vote extensions: no validator store")
	}
	if err := baseapp.ValidateVoteExtensions(ctx, app.voteExt.valStore, 0, "", view); err != nil {
		return ErrInjectedMismatch.Wrap(err.Error())
	}
	return nil
}

// verifyExtensionSignature checks one vote's extension signature exactly as
// baseapp.ValidateVoteExtensions does (CanonicalVoteExtension, length-delimited).
func (app *App) verifyExtensionSignature(ctx sdk.Context, v abci.ExtendedVoteInfo, round int32, height int64) error {
	if len(v.ExtensionSignature) == 0 {
		return errors.New("no extension signature")
	}
	if app.voteExt.valStore == nil {
		return errors.New("no validator store")
	}
	pkProto, err := app.voteExt.valStore.GetPubKeyByConsAddr(ctx, sdk.ConsAddress(v.Validator.Address))
	if err != nil {
		return fmt.Errorf("public key: %w", err)
	}
	pk, err := cryptoenc.PubKeyFromProto(pkProto)
	if err != nil {
		return fmt.Errorf("public key: %w", err)
	}
	var buf bytes.Buffer
	cve := cmtproto.CanonicalVoteExtension{Extension: v.VoteExtension, Height: height, Round: int64(round), ChainId: ctx.HeaderInfo().ChainID}
	if err := protoio.NewDelimitedWriter(&buf).WriteMsg(&cve); err != nil {
		return err
	}
	if !pk.VerifySignature(buf.Bytes(), v.ExtensionSignature) {
		return errors.New("invalid extension signature")
	}
	return nil
}

// applyVoteExtensions runs in the PreBlocker of height: it decodes the injected item (tx 0,
// checked by ProcessProposal of the validators that committed the block) and hands the kept
// extensions to every consumer in a cached context. Nothing here fails the block: a decoding
// failure can only mean a block the network should not have accepted and is logged; a
// consumer's error or panic discards that consumer's writes and is logged. Every node takes
// the same branch, so state stays in consensus.
func (app *App) applyVoteExtensions(ctx sdk.Context, req *abci.RequestFinalizeBlock) {
	if !VoteExtensionsEnabled(ctx, req.Height) {
		return
	}
	if len(req.Txs) == 0 {
		ctx.Logger().Error("vote extensions: block without the injected item", "height", req.Height)
		return
	}
	info, err := DecodeInjected(req.Txs[0])
	if err != nil {
		ctx.Logger().Error("vote extensions: injected item", "height", req.Height, "err", err)
		return
	}
	votes, total := KeptVotes(info, req.Height-1)
	for _, c := range app.voteExt.consumers {
		cc, write := ctx.CacheContext()
		if err := callConsumer(cc, c, votes, total); err != nil {
			ctx.Logger().Error("vote extensions: consumer failed; its writes are discarded", "height", req.Height,
				"consumer", fmt.Sprintf("%T", c), "err", err)
			continue
		}
		write()
	}
}

// KeptVotes lists the votes of an injected commit that carry an extension valid for
// extHeight, in the commit's order, and the total power of the commit's validator set.
func KeptVotes(info abci.ExtendedCommitInfo, extHeight int64) ([]voteext.Vote, int64) {
	var (
		votes []voteext.Vote
		total int64
	)
	for _, v := range info.Votes {
		total += v.Validator.Power
		if v.BlockIdFlag != cmtproto.BlockIDFlagCommit || len(v.VoteExtension) == 0 {
			continue
		}
		ext, err := voteext.Verify(v.VoteExtension, extHeight)
		if err != nil {
			continue
		}
		votes = append(votes, voteext.Vote{Validator: v.Validator.Address, Power: v.Validator.Power, Extension: ext})
	}
	return votes, total
}
