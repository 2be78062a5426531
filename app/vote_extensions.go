package app

import (
	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/voteext"
)

// Vote extensions are enabled from height 2 on the localnet (consensus param
// abci.vote_extensions_enable_height). Every validator extends its precommit with one
// voteext extension (docs/VOTE_EXTENSIONS.md): the height and a section per attesting module,
// each filled by the SectionProvider registered for it (RegisterVoteSection). Verification
// is strict: a malformed extension is rejected, never half-accepted. The proposal side
// (re-verification, injection, the PreBlocker) is in voteext_proposal.go.

func (app *App) extendVote(ctx sdk.Context, req *abci.RequestExtendVote) (*abci.ResponseExtendVote, error) {
	bz, err := voteext.Encode(app.buildExtension(ctx, req.Height))
	if err != nil {
		// Unreachable (every section was checked against its bound); the bare height is
		// still a valid extension, so the precommit is never lost.
		ctx.Logger().Error("vote extension: sections dropped", "height", req.Height, "err", err)
		if bz, err = voteext.Encode(voteext.Extension{Height: req.Height}); err != nil {
			return nil, err
		}
	}
	return &abci.ResponseExtendVote{VoteExtension: bz}, nil
}

func (app *App) verifyVoteExtension(ctx sdk.Context, req *abci.RequestVerifyVoteExtension) (*abci.ResponseVerifyVoteExtension, error) {
	if _, err := voteext.Verify(req.VoteExtension, req.Height); err != nil {
		ctx.Logger().Info("vote extension rejected", "validator", sdk.ConsAddress(req.ValidatorAddress).String(), "height", req.Height, "err", err)
		return &abci.ResponseVerifyVoteExtension{Status: abci.ResponseVerifyVoteExtension_REJECT}, nil
	}
	return &abci.ResponseVerifyVoteExtension{Status: abci.ResponseVerifyVoteExtension_ACCEPT}, nil
}
