package app

import (
	"encoding/binary"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Vote extensions are enabled from height 2 on the localnet (consensus param
// abci.vote_extensions_enable_height). Until x/heal carries host observations in them, every
// validator extends its precommit with a versioned heartbeat: version byte + height (big endian).
// Verification is strict so that a malformed extension is rejected, never half-accepted.
const (
	voteExtVersion = 1
	voteExtLen     = 1 + 8
)

func encodeHeartbeat(height int64) []byte {
	bz := make([]byte, voteExtLen)
	bz[0] = voteExtVersion
	binary.BigEndian.PutUint64(bz[1:], uint64(height))
	return bz
}

func verifyHeartbeat(bz []byte, height int64) error {
	if len(bz) != voteExtLen {
		return fmt.Errorf("vote extension: %d bytes, want %d", len(bz), voteExtLen)
	}
	if bz[0] != voteExtVersion {
		return fmt.Errorf("vote extension: version %d, want %d", bz[0], voteExtVersion)
	}
	if h := int64(binary.BigEndian.Uint64(bz[1:])); h != height {
		return fmt.Errorf("vote extension: height %d, want %d", h, height)
	}
	return nil
}

func (app *App) extendVote(_ sdk.Context, req *abci.RequestExtendVote) (*abci.ResponseExtendVote, error) {
	return &abci.ResponseExtendVote{VoteExtension: encodeHeartbeat(req.Height)}, nil
}

func (app *App) verifyVoteExtension(_ sdk.Context, req *abci.RequestVerifyVoteExtension) (*abci.ResponseVerifyVoteExtension, error) {
	if err := verifyHeartbeat(req.VoteExtension, req.Height); err != nil {
		return &abci.ResponseVerifyVoteExtension{Status: abci.ResponseVerifyVoteExtension_REJECT}, nil
	}
	return &abci.ResponseVerifyVoteExtension{Status: abci.ResponseVerifyVoteExtension_ACCEPT}, nil
}
