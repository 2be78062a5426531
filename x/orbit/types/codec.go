package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers amino names for amino-json signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgRegisterConstellation{}, "novacron/orbit/MsgRegisterConstellation")
	legacy.RegisterAminoMsg(cdc, &MsgRemoveConstellation{}, "novacron/orbit/MsgRemoveConstellation")
	legacy.RegisterAminoMsg(cdc, &MsgRegisterRegion{}, "novacron/orbit/MsgRegisterRegion")
	legacy.RegisterAminoMsg(cdc, &MsgRemoveRegion{}, "novacron/orbit/MsgRemoveRegion")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "novacron/orbit/MsgUpdateParams")
}

// RegisterInterfaces registers the module's messages.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgRegisterConstellation{}, &MsgRemoveConstellation{}, &MsgRegisterRegion{}, &MsgRemoveRegion{}, &MsgUpdateParams{})
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
