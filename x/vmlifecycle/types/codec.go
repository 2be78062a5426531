package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers amino names (≤ 39 chars) for amino-json signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgRegisterHost{}, "novacron/vm/MsgRegisterHost")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateHost{}, "novacron/vm/MsgUpdateHost")
	legacy.RegisterAminoMsg(cdc, &MsgDrainHost{}, "novacron/vm/MsgDrainHost")
	legacy.RegisterAminoMsg(cdc, &MsgUndrainHost{}, "novacron/vm/MsgUndrainHost")
	legacy.RegisterAminoMsg(cdc, &MsgDeregisterHost{}, "novacron/vm/MsgDeregisterHost")
	legacy.RegisterAminoMsg(cdc, &MsgCreateVM{}, "novacron/vm/MsgCreateVM")
	legacy.RegisterAminoMsg(cdc, &MsgStartVM{}, "novacron/vm/MsgStartVM")
	legacy.RegisterAminoMsg(cdc, &MsgStopVM{}, "novacron/vm/MsgStopVM")
	legacy.RegisterAminoMsg(cdc, &MsgResizeVM{}, "novacron/vm/MsgResizeVM")
	legacy.RegisterAminoMsg(cdc, &MsgMigrateVM{}, "novacron/vm/MsgMigrateVM")
	legacy.RegisterAminoMsg(cdc, &MsgDeleteVM{}, "novacron/vm/MsgDeleteVM")
	legacy.RegisterAminoMsg(cdc, &MsgReportVMStatus{}, "novacron/vm/MsgReportVMStatus")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "novacron/vm/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgSetApprovalPolicy{}, "novacron/vm/MsgSetApprovalPolicy")
	legacy.RegisterAminoMsg(cdc, &MsgClearApprovalPolicy{}, "novacron/vm/MsgClearApprovalPolicy")
	legacy.RegisterAminoMsg(cdc, &MsgApproveOperation{}, "novacron/vm/MsgApproveOperation")
	legacy.RegisterAminoMsg(cdc, &MsgCancelScheduledOperation{}, "novacron/vm/MsgCancelScheduledOperation")
	legacy.RegisterAminoMsg(cdc, &MsgCreateRule{}, "novacron/vm/MsgCreateRule")
	legacy.RegisterAminoMsg(cdc, &MsgDeleteRule{}, "novacron/vm/MsgDeleteRule")
}

// RegisterInterfaces registers the module's messages.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgRegisterHost{}, &MsgUpdateHost{}, &MsgDrainHost{}, &MsgUndrainHost{}, &MsgDeregisterHost{},
		&MsgCreateVM{}, &MsgStartVM{}, &MsgStopVM{}, &MsgResizeVM{}, &MsgMigrateVM{},
		&MsgDeleteVM{}, &MsgReportVMStatus{}, &MsgUpdateParams{},
		&MsgSetApprovalPolicy{}, &MsgClearApprovalPolicy{}, &MsgApproveOperation{},
		&MsgCancelScheduledOperation{}, &MsgCreateRule{}, &MsgDeleteRule{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
