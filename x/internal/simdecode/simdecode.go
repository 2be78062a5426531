// Package simdecode is the shared shape of the modules' simulation store decoders: the
// simulator hands two values stored under the same key, a module decodes each by its store
// prefix, and values without a message type print as numbers or hex.
package simdecode

import (
	"encoding/binary"
	"fmt"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/kv"
)

// Message is a stored protobuf value that prints itself.
type Message interface {
	codec.ProtoMarshaler
	String() string
}

// Store returns the decoder of module: messageFor gives the empty message stored under a
// prefix, or nil; special, when set, prints prefixes that hold no message (it returns false
// for the others). Anything else prints as a big-endian number (8 bytes: sequences,
// counters) or hex (key sets store no value). Keys of different prefixes panic, as the
// simulator expects of a decoder handed a pair it cannot compare.
func Store(module string, cdc codec.BinaryCodec, messageFor func(prefix byte) Message, special func(prefix byte, bz []byte) (string, bool)) func(kvA, kvB kv.Pair) string {
	decode := func(prefix byte, bz []byte) string {
		if m := messageFor(prefix); m != nil {
			cdc.MustUnmarshal(bz, m)
			return m.String()
		}
		if special != nil {
			if s, ok := special(prefix, bz); ok {
				return s
			}
		}
		if len(bz) == 8 {
			return fmt.Sprintf("%d", binary.BigEndian.Uint64(bz))
		}
		return fmt.Sprintf("%X", bz)
	}
	return func(kvA, kvB kv.Pair) string {
		if len(kvA.Key) == 0 || len(kvB.Key) == 0 || kvA.Key[0] != kvB.Key[0] {
			panic(fmt.Sprintf("invalid %s key pair %X / %X", module, kvA.Key, kvB.Key))
		}
		return decode(kvA.Key[0], kvA.Value) + "\n" + decode(kvA.Key[0], kvB.Value)
	}
}
