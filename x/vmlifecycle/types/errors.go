package types

import errorsmod "cosmossdk.io/errors"

// Registered error codes of x/vmlifecycle; never renumber.
var (
	ErrInvalidParams        = errorsmod.Register(ModuleName, 2, "invalid params")
	ErrInvalidGenesis       = errorsmod.Register(ModuleName, 3, "invalid vmlifecycle genesis")
	ErrOperatorNotAllowed   = errorsmod.Register(ModuleName, 4, "operator is not on the host-operator allowlist")
	ErrInvalidHost          = errorsmod.Register(ModuleName, 5, "invalid host")
	ErrHostExists           = errorsmod.Register(ModuleName, 6, "host already registered")
	ErrHostNotFound         = errorsmod.Register(ModuleName, 7, "host not found")
	ErrNotHostOperator      = errorsmod.Register(ModuleName, 8, "signer is not the host's operator")
	ErrHostNotEmpty         = errorsmod.Register(ModuleName, 9, "host still has VMs")
	ErrHostDraining         = errorsmod.Register(ModuleName, 10, "host is draining")
	ErrInvalidCID           = errorsmod.Register(ModuleName, 11, "invalid image CID")
	ErrInvalidResources     = errorsmod.Register(ModuleName, 12, "invalid resources")
	ErrInvalidName          = errorsmod.Register(ModuleName, 13, "invalid VM name")
	ErrDuplicateName        = errorsmod.Register(ModuleName, 14, "VM name already used by this owner")
	ErrInvalidConstraints   = errorsmod.Register(ModuleName, 15, "invalid constraints")
	ErrVMNotFound           = errorsmod.Register(ModuleName, 16, "VM not found")
	ErrNotVMOwner           = errorsmod.Register(ModuleName, 17, "signer is not the VM's owner")
	ErrIllegalTransition    = errorsmod.Register(ModuleName, 18, "illegal VM state transition")
	ErrNoPlacement          = errorsmod.Register(ModuleName, 19, "no host satisfies the VM's constraints")
	ErrInsufficientCapacity = errorsmod.Register(ModuleName, 20, "insufficient host capacity")
	ErrInvalidReplicas      = errorsmod.Register(ModuleName, 21, "invalid replica count")
	ErrInvalidStatusReport  = errorsmod.Register(ModuleName, 22, "invalid VM status report")
	ErrExplanationNotFound  = errorsmod.Register(ModuleName, 23, "no placement explanation for VM")
	ErrInvalidMigration     = errorsmod.Register(ModuleName, 24, "invalid migration request")
)
