package app

import (
	"encoding/hex"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"cosmossdk.io/log/v2"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

func TestVoteExtensionHandlers(t *testing.T) {
	app := &App{}
	ctx := sdk.Context{}.WithLogger(log.NewNopLogger())
	res, err := app.extendVote(ctx, &abci.RequestExtendVote{Height: 300})
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(res.VoteExtension); got != "02ac02" {
		t.Fatalf("extension %s, want 02ac02 (version 2, height 300)", got)
	}
	verify := func(bz []byte, height int64) abci.ResponseVerifyVoteExtension_VerifyStatus {
		r, err := app.verifyVoteExtension(ctx, &abci.RequestVerifyVoteExtension{VoteExtension: bz, Height: height})
		if err != nil {
			t.Fatal(err) // an error would halt the node: rejections are statuses
		}
		return r.Status
	}
	if s := verify(res.VoteExtension, 300); s != abci.ResponseVerifyVoteExtension_ACCEPT {
		t.Fatalf("own extension: %s", s)
	}
	heartbeatV1, _ := hex.DecodeString("01000000000000012c")
	for name, c := range map[string]struct {
		bz     []byte
		height int64
	}{
		"wrong height": {res.VoteExtension, 301},
		"heartbeat v1": {heartbeatV1, 300},
		"empty":        {nil, 300},
		"garbage":      {[]byte("not an extension"), 300},
		"trailing":     {append(append([]byte{}, res.VoteExtension...), 0), 300},
	} {
		if s := verify(c.bz, c.height); s != abci.ResponseVerifyVoteExtension_REJECT {
			t.Errorf("%s: %s", name, s)
		}
	}
}
