package keeper

import (
	"context"
	"errors"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/validatorset/types"
)

// ErrBrokenInvariant is what CheckInvariants wraps: the state is not one the module's messages
// and genesis can produce.
var ErrBrokenInvariant = errors.New("x/validatorset invariant broken")

// CheckInvariants verifies the module's state (x/crisis is deprecated in v0.54: tests and the
// simulation call it after every block; it walks the whole allowlist and x/staking's
// validators):
//   - every entry is stored under the bytes of its operator_address, which is the canonical
//     (lower-case) novavaloper form of those bytes, so that export and import agree;
//   - every note is at most MaxNoteLength bytes and every added_height is not negative (the
//     exported genesis validates);
//   - every x/staking validator whose operator is not allowlisted is jailed: MsgRemoveValidator
//     jails it, the staking hooks refuse to create one, the genesis cross-check refuses an
//     unjailed one and the ante decorator refuses its MsgUnjail.
func (k Keeper) CheckInvariants(ctx context.Context) error {
	err := k.Operators.Walk(ctx, nil, func(key sdk.ValAddress, op types.AllowedOperator) (bool, error) {
		canonical, err := k.valCodec.BytesToString(key)
		if err != nil {
			return true, fmt.Errorf("%w: key %X: %s", ErrBrokenInvariant, []byte(key), err)
		}
		switch {
		case op.OperatorAddress != canonical:
			return true, fmt.Errorf("%w: entry %q stored under %s", ErrBrokenInvariant, op.OperatorAddress, canonical)
		case len(op.Note) > types.MaxNoteLength:
			return true, fmt.Errorf("%w: %s: note of %d bytes > %d", ErrBrokenInvariant, canonical, len(op.Note), types.MaxNoteLength)
		case op.AddedHeight < 0:
			return true, fmt.Errorf("%w: %s: added_height %d", ErrBrokenInvariant, canonical, op.AddedHeight)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	vals, err := k.stakingKeeper.GetAllValidators(ctx)
	if err != nil {
		return err
	}
	for _, v := range vals {
		if v.IsJailed() {
			continue
		}
		op, err := k.parseOperator(v.OperatorAddress)
		if err != nil {
			return err
		}
		if err := k.RequireAllowed(ctx, op); errors.Is(err, types.ErrNotAllowlisted) {
			return fmt.Errorf("%w: validator %s (%s) is not allowlisted and not jailed", ErrBrokenInvariant, v.OperatorAddress, v.Status)
		} else if err != nil {
			return err
		}
	}
	return nil
}
