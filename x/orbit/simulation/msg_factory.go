package simulation

import (
	"github.com/cosmos/cosmos-sdk/testutil/simsx"

	simkit "github.com/novacron/novacron/x/internal/simulation"
	"github.com/novacron/novacron/x/orbit/keeper"
)

// Weights of the wrong-authority txs (app params keys and defaults): every x/orbit message is
// governance-only, so the only txs are ones the keeper must refuse.
const (
	OpWeightMsgWrongAuthority      = "op_weight_msg_orbit_wrong_authority"
	DefaultWeightMsgWrongAuthority = 2
)

// ProposalMsgsX registers every x/orbit message as a governance proposal's message, built by
// the generators the classic operations use, with x/gov's module account as authority (a
// refused one, a duplicate or the active constellation removed, makes the proposal fail).
func ProposalMsgsX(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	reg.Add(weights.Get(OpWeightMsgRegisterConstellation, simkit.ProposalWeight), simkit.ProposalFactory(GenRegisterConstellation(k)))
	reg.Add(weights.Get(OpWeightMsgRemoveConstellation, simkit.ProposalWeight), simkit.ProposalFactory(GenRemoveConstellation(k)))
	reg.Add(weights.Get(OpWeightMsgRegisterRegion, simkit.ProposalWeight), simkit.ProposalFactory(GenRegisterRegion))
	reg.Add(weights.Get(OpWeightMsgRemoveRegion, simkit.ProposalWeight), simkit.ProposalFactory(GenRemoveRegion(k)))
	reg.Add(weights.Get(OpWeightMsgUpdateParams, simkit.ProposalWeight), simkit.ProposalFactory(GenUpdateParams(k)))
}

// WeightedOperationsX registers the txs of x/orbit: its messages signed by a random account in
// the authority field, which the keeper must refuse with ErrUnauthorized (what the classic
// operations do one time in ten).
func WeightedOperationsX(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	w := weights.Get(OpWeightMsgWrongAuthority, DefaultWeightMsgWrongAuthority)
	reg.Add(w, simkit.WrongAuthorityFactory(GenRegisterRegion))
	reg.Add(w, simkit.WrongAuthorityFactory(GenUpdateParams(k)))
}
