package types

import (
	"cosmossdk.io/core/address"
)

// MaxNoteLength bounds the free-form note of an allowlist entry.
const MaxNoteLength = 256

// DefaultGenesis is an empty allowlist: a chain must seed it, or no validator can be created.
func DefaultGenesis() *GenesisState { return &GenesisState{} }

// Validate checks addresses, duplicates and note sizes.
func (gs GenesisState) Validate(valCodec address.Codec) error {
	// Duplicates are detected on the decoded bytes: bech32 also accepts the all-uppercase
	// spelling, which would otherwise slip through as a second entry for the same key.
	seen := make(map[string]bool, len(gs.Operators))
	for i, op := range gs.Operators {
		bz, err := valCodec.StringToBytes(op.OperatorAddress)
		if err != nil {
			return ErrInvalidGenesis.Wrapf("operators[%d]: %q: %v", i, op.OperatorAddress, err)
		}
		if seen[string(bz)] {
			return ErrInvalidGenesis.Wrapf("operators[%d]: duplicate operator %s", i, op.OperatorAddress)
		}
		if len(op.Note) > MaxNoteLength {
			return ErrInvalidGenesis.Wrapf("operators[%d]: note longer than %d bytes", i, MaxNoteLength)
		}
		if op.AddedHeight < 0 {
			return ErrInvalidGenesis.Wrapf("operators[%d]: negative added_height", i)
		}
		seen[string(bz)] = true
	}
	return nil
}
