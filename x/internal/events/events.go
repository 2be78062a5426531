// Package events is how the keepers of x/orbit, x/quantumjob, x/validatorset and
// x/vmlifecycle emit their typed events: one helper, attributes as key, value pairs.
//
//	events.Emit(ctx, types.EventTypeRegionRegistered, types.AttributeKeyCode, code)
//
// The event is exactly what sdk.NewEvent(typ, sdk.NewAttribute(k1, v1), ...) builds: same
// type, same attributes in the same order.
package events

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Emit emits an event of type typ on ctx's event manager, with the attributes kv read as
// key, value pairs in order (k1, v1, k2, v2, ...).
//
// It never panics, since a panic in a message handler or EndBlock would fail the
// transaction or the block for a bookkeeping slip: an odd count, which is a programming
// error, drops the trailing key (TestCallsPairKeys reads every call in x/ and keeps the count
// even), and a context without an SDK context or event manager emits nothing.
func Emit(ctx context.Context, typ string, kv ...string) {
	if em := eventManager(ctx); em != nil {
		em.EmitEvent(New(typ, kv...))
	}
}

// New is the event Emit emits: type typ, attributes kv paired as key, value (a trailing
// key without a value is dropped).
func New(typ string, kv ...string) sdk.Event {
	attrs := make([]sdk.Attribute, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		attrs = append(attrs, sdk.NewAttribute(kv[i], kv[i+1]))
	}
	return sdk.NewEvent(typ, attrs...)
}

// eventManager is ctx's event manager, as sdk.UnwrapSDKContext finds the SDK context but
// without its panic; nil when there is none.
func eventManager(ctx context.Context) *sdk.EventManager {
	if ctx == nil {
		return nil
	}
	sdkCtx, ok := ctx.(sdk.Context)
	if !ok {
		if sdkCtx, ok = ctx.Value(sdk.SdkContextKey).(sdk.Context); !ok {
			return nil
		}
	}
	return sdkCtx.EventManager()
}
