// Package msgwalk visits the messages of a transaction, including those wrapped in authz
// MsgExec, so that every ante check sees what will actually execute.
package msgwalk

import (
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/authz"
)

// MaxExecDepth bounds how deeply MsgExec may be nested; deeper nesting is rejected rather than
// left unchecked.
const MaxExecDepth = 6

// Walk calls fn on every message that is not a MsgExec, descending into MsgExec in order.
func Walk(msgs []sdk.Msg, fn func(sdk.Msg) error) error {
	return walk(msgs, 0, fn)
}

func walk(msgs []sdk.Msg, depth int, fn func(sdk.Msg) error) error {
	if depth > MaxExecDepth {
		return sdkerrors.ErrInvalidRequest.Wrapf("authz MsgExec nested deeper than %d", MaxExecDepth)
	}
	for _, msg := range msgs {
		exec, ok := msg.(*authz.MsgExec)
		if !ok {
			if err := fn(msg); err != nil {
				return err
			}
			continue
		}
		inner, err := exec.GetMessages()
		if err != nil {
			return err
		}
		if err := walk(inner, depth+1, fn); err != nil {
			return err
		}
	}
	return nil
}
