package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the amino names used by amino-json signing (multisig, ledger).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "novacron/heal/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgStartRollout{}, "novacron/heal/MsgStartRollout")
	legacy.RegisterAminoMsg(cdc, &MsgCancelRollout{}, "novacron/heal/MsgCancelRollout")
	legacy.RegisterAminoMsg(cdc, &MsgSetPolicy{}, "novacron/heal/MsgSetPolicy")
	legacy.RegisterAminoMsg(cdc, &MsgClearPolicy{}, "novacron/heal/MsgClearPolicy")
}

// RegisterInterfaces registers the module's messages.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil), &MsgUpdateParams{}, &MsgStartRollout{}, &MsgCancelRollout{}, &MsgSetPolicy{}, &MsgClearPolicy{})
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
