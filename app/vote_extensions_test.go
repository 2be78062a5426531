package app

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"cosmossdk.io/log/v2"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/voteext"
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

type provider struct {
	payload []byte
	err     error
	panic   bool
}

func (p provider) ExtendVote(sdk.Context, int64) ([]byte, error) {
	if p.panic {
		panic("provider bug")
	}
	return p.payload, p.err
}

// One failing module never costs the precommit its extension or the other sections.
func TestExtendVoteSections(t *testing.T) {
	ctx := sdk.Context{}.WithLogger(log.NewNopLogger())
	extend := func(app *App) voteext.Extension {
		t.Helper()
		res, err := app.extendVote(ctx, &abci.RequestExtendVote{Height: 7})
		if err != nil {
			t.Fatal(err)
		}
		ext, err := voteext.Verify(res.VoteExtension, 7)
		if err != nil {
			t.Fatal(err)
		}
		return ext
	}
	app := &App{}
	app.RegisterVoteSection(voteext.SectionBridge, provider{payload: []byte{2, 2}})
	app.RegisterVoteSection(voteext.SectionHeal, provider{payload: []byte{1}})
	if ext := extend(app); len(ext.Sections) != 2 || ext.Sections[0].ID != voteext.SectionHeal ||
		!bytes.Equal(ext.Get(voteext.SectionBridge), []byte{2, 2}) {
		t.Fatalf("both sections, ascending: %+v", ext)
	}
	for name, bad := range map[string]provider{
		"error":     {payload: []byte{1}, err: errors.New("no snapshot")},
		"panic":     {panic: true},
		"oversized": {payload: make([]byte, voteext.MaxHealBytes+1)},
		"empty":     {payload: []byte{}},
		"nil":       {},
	} {
		app := &App{}
		app.RegisterVoteSection(voteext.SectionHeal, bad)
		app.RegisterVoteSection(voteext.SectionBridge, provider{payload: []byte{2}})
		if ext := extend(app); len(ext.Sections) != 1 || ext.Sections[0].ID != voteext.SectionBridge {
			t.Errorf("%s: heal left out, bridge kept: %+v", name, ext)
		}
	}
	for name, register := range map[string]func(app *App){
		"unknown id": func(app *App) { app.RegisterVoteSection(9, provider{}) },
		"twice": func(app *App) {
			app.RegisterVoteSection(voteext.SectionHeal, provider{})
			app.RegisterVoteSection(voteext.SectionHeal, provider{})
		},
		"nil provider": func(app *App) { app.RegisterVoteSection(voteext.SectionHeal, nil) },
		"nil consumer": func(app *App) { app.RegisterVoteConsumer(nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: registered", name)
				}
			}()
			register(&App{})
		}()
	}
}
