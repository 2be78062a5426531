package types_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"

	vstestutil "github.com/novacron/novacron/x/validatorset/testutil"
	"github.com/novacron/novacron/x/validatorset/types"
)

func op(addr, note string, h int64) types.AllowedOperator {
	return types.AllowedOperator{OperatorAddress: addr, Note: note, AddedHeight: h}
}

func TestGenesisValidate(t *testing.T) {
	v1, v2 := vstestutil.ValStr(1), vstestutil.ValStr(2)
	cases := []struct {
		name    string
		gs      types.GenesisState
		wantErr string // substring of the error; empty means valid
	}{
		{name: "default is empty and valid", gs: *types.DefaultGenesis()},
		{name: "two operators", gs: types.GenesisState{Operators: []types.AllowedOperator{op(v1, "a", 0), op(v2, "b", 12)}}},
		{name: "note at the limit", gs: types.GenesisState{Operators: []types.AllowedOperator{op(v1, strings.Repeat("n", types.MaxNoteLength), 0)}}},
		{name: "empty address", gs: types.GenesisState{Operators: []types.AllowedOperator{op("", "", 0)}}, wantErr: "operators[0]"},
		{name: "bad bech32 checksum", gs: types.GenesisState{Operators: []types.AllowedOperator{op(v1[:len(v1)-1]+flip(v1[len(v1)-1]), "", 0)}}, wantErr: "operators[0]"},
		{name: "not bech32", gs: types.GenesisState{Operators: []types.AllowedOperator{op("novavaloper1-not-an-address", "", 0)}}, wantErr: "operators[0]"},
		{name: "account address instead of operator", gs: types.GenesisState{Operators: []types.AllowedOperator{op(v1, "", 0), op(vstestutil.AccStr(2), "", 0)}}, wantErr: "operators[1]"},
		{name: "duplicate", gs: types.GenesisState{Operators: []types.AllowedOperator{op(v1, "a", 0), op(v2, "", 0), op(v1, "b", 0)}}, wantErr: "operators[2]: duplicate"},
		{name: "duplicate in upper case", gs: types.GenesisState{Operators: []types.AllowedOperator{op(v1, "", 0), op(strings.ToUpper(v1), "", 0)}}, wantErr: "operators[1]: duplicate"},
		{name: "note too long", gs: types.GenesisState{Operators: []types.AllowedOperator{op(v1, strings.Repeat("n", types.MaxNoteLength+1), 0)}}, wantErr: "note longer"},
		{name: "negative height", gs: types.GenesisState{Operators: []types.AllowedOperator{op(v1, "", -1)}}, wantErr: "negative added_height"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.gs.Validate(vstestutil.ValCodec)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.Contains(t, err.Error(), tc.wantErr)
			codespace, code, _ := errorsmod.ABCIInfo(err, false)
			require.Equal(t, types.ModuleName, codespace)
			require.Equal(t, uint32(6), code)
		})
	}
}

// flip changes one bech32 data character so the checksum no longer matches.
func flip(c byte) string {
	if c == 'q' {
		return "p"
	}
	return "q"
}

// TestErrorCodes pins the registered codes: they are part of the public API (clients match on them).
func TestErrorCodes(t *testing.T) {
	for code, err := range map[uint32]*errorsmod.Error{
		2: types.ErrNotAllowlisted,
		3: types.ErrAlreadyAllowlisted,
		4: types.ErrLastValidator,
		5: types.ErrInvalidOperator,
		6: types.ErrInvalidGenesis,
		7: types.ErrNoteTooLong,
	} {
		require.Equal(t, code, err.ABCICode(), err.Error())
		require.Equal(t, types.ModuleName, err.Codespace())
	}
}

// TestAminoNames checks the legacy amino names that amino-json signing (multisig, ledger) puts in sign bytes.
func TestAminoNames(t *testing.T) {
	cdc := codec.NewLegacyAmino()
	types.RegisterLegacyAminoCodec(cdc)
	for name, msg := range map[string]any{
		"novacron/vs/MsgAddValidator":    &types.MsgAddValidator{Authority: vstestutil.GovAuthority, OperatorAddress: vstestutil.ValStr(1), Note: "n"},
		"novacron/vs/MsgRemoveValidator": &types.MsgRemoveValidator{Authority: vstestutil.GovAuthority, OperatorAddress: vstestutil.ValStr(1)},
	} {
		bz, err := cdc.MarshalJSON(msg)
		require.NoError(t, err)
		require.Contains(t, string(bz), `"type":"`+name+`"`)
	}
}
