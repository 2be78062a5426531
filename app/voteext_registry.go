package app

import (
	"fmt"
	"slices"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/voteext"
)

// SectionProvider fills one section of this validator's vote extension. ExtendVote calls it
// for the height being precommitted; a nil or empty payload leaves the section out. An error,
// a panic or a payload over the section's bound is logged and the section left out: one
// module never makes ExtendVote fail. The payload need not be deterministic (it is this
// validator's observation), but its encoding must be the section's canonical one.
type SectionProvider interface {
	ExtendVote(ctx sdk.Context, height int64) (payload []byte, err error)
}

// VoteConsumer receives, in the PreBlocker of height h, the extensions of the commit of h−1
// that the block's proposer injected and the network verified: one voteext.Vote per kept
// extension, in the commit's order (descending power, then address), and the total power of
// the validator set of that commit (kept, dropped, absent and nil voters alike), the
// denominator of > 2/3 and > 1/3 rules. It runs in a cached context: an error (or a panic)
// discards its writes and is logged; the block goes on. It must be deterministic.
type VoteConsumer interface {
	ApplyVotes(ctx sdk.Context, votes []voteext.Vote, totalPower int64) error
}

// voteExtState is the app's vote-extension plumbing: who fills which section, who consumes
// the verified extensions, and the signature store. Registration happens while the app is
// wired (New, before the node starts); ABCI handlers only read it.
type voteExtState struct {
	sections  map[voteext.SectionID]SectionProvider
	consumers []VoteConsumer
	valStore  baseapp.ValidatorStore

	prepareDefault sdk.PrepareProposalHandler
	processDefault sdk.ProcessProposalHandler
}

// RegisterVoteSection makes provider the one filler of section id. It panics on an unknown
// id, a nil provider or a second provider for the same id (wiring errors).
func (app *App) RegisterVoteSection(id voteext.SectionID, provider SectionProvider) {
	if voteext.MaxSectionBytes(id) == 0 {
		panic(fmt.Sprintf("vote extensions: unknown section id %d", byte(id)))
	}
	if provider == nil {
		panic(fmt.Sprintf("vote extensions: nil provider for section %s", id))
	}
	if app.voteExt.sections == nil {
		app.voteExt.sections = map[voteext.SectionID]SectionProvider{}
	}
	if _, dup := app.voteExt.sections[id]; dup {
		panic(fmt.Sprintf("vote extensions: section %s registered twice", id))
	}
	app.voteExt.sections[id] = provider
}

// RegisterVoteConsumer adds consumer; consumers run in registration order.
func (app *App) RegisterVoteConsumer(consumer VoteConsumer) {
	if consumer == nil {
		panic("vote extensions: nil consumer")
	}
	app.voteExt.consumers = append(app.voteExt.consumers, consumer)
}

// buildExtension asks every registered provider, in ascending section id, for its payload.
func (app *App) buildExtension(ctx sdk.Context, height int64) voteext.Extension {
	ext := voteext.Extension{Height: height}
	ids := make([]voteext.SectionID, 0, len(app.voteExt.sections))
	for id := range app.voteExt.sections {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		payload, err := callProvider(ctx, app.voteExt.sections[id], height)
		switch {
		case err != nil:
			ctx.Logger().Error("vote extension section left out", "section", id.String(), "height", height, "err", err)
			continue
		case len(payload) == 0:
			continue
		case len(payload) > voteext.MaxSectionBytes(id):
			ctx.Logger().Error("vote extension section left out", "section", id.String(), "height", height,
				"err", fmt.Sprintf("%d bytes, max %d", len(payload), voteext.MaxSectionBytes(id)))
			continue
		}
		ext.Sections = append(ext.Sections, voteext.Section{ID: id, Payload: payload})
	}
	return ext
}

func callProvider(ctx sdk.Context, p SectionProvider, height int64) (payload []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			payload, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return p.ExtendVote(ctx, height)
}

func callConsumer(ctx sdk.Context, c VoteConsumer, votes []voteext.Vote, total int64) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.ApplyVotes(ctx, votes, total)
}
