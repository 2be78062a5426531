package types_test

import (
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"github.com/cosmos/cosmos-sdk/x/tx/signing"

	"github.com/novacron/novacron/x/orbit/types"
)

func TestCodecRegistration(t *testing.T) {
	// Amino names are at most 39 characters (RegisterAminoMsg panics beyond).
	require.NotPanics(t, func() { types.RegisterLegacyAminoCodec(codec.NewLegacyAmino()) })

	reg, err := codectypes.NewInterfaceRegistryWithOptions(codectypes.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: signing.Options{
			AddressCodec:          address.NewBech32Codec("nova"),
			ValidatorAddressCodec: address.NewBech32Codec("novavaloper"),
		},
	})
	require.NoError(t, err)
	types.RegisterInterfaces(reg)
	cdc := codec.NewProtoCodec(reg)
	govAddr := authtypes.NewModuleAddress(govtypes.ModuleName)
	gov := sdk.MustBech32ifyAddressBytes("nova", govAddr)
	for _, msg := range []sdk.Msg{
		&types.MsgRegisterConstellation{Authority: gov},
		&types.MsgRemoveConstellation{Authority: gov},
		&types.MsgRegisterRegion{Authority: gov},
		&types.MsgRemoveRegion{Authority: gov},
		&types.MsgUpdateParams{Authority: gov},
	} {
		// Every Msg is signed by its authority and resolvable from an Any.
		signers, _, err := cdc.GetMsgV1Signers(msg)
		require.NoError(t, err, sdk.MsgTypeURL(msg))
		require.Equal(t, [][]byte{govAddr.Bytes()}, signers, sdk.MsgTypeURL(msg))
		anyMsg, err := codectypes.NewAnyWithValue(msg)
		require.NoError(t, err)
		var back sdk.Msg
		require.NoError(t, cdc.UnpackAny(anyMsg, &back))
		require.Equal(t, msg, back)
	}
}
