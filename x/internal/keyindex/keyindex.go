// Package keyindex is a collections.Index whose entries are whole keys computed from a value:
// none, one or several per value.
//
// indexes.Multi covers "one (reference, primary key) entry per value". The keepers also need
// entries that exist only in some states (only ACTIVE hosts are placeable, only placed VMs have a
// host), several entries per value (a host under each of its placement scopes) and keys that are
// not Pair[reference, primary key] (the rule triggers' triples); and Multi deletes and rewrites its
// entry on every Set, which costs gas on every write of a hot value (a host's free capacity). This
// index writes only the entries that change, so the key layout and the gas of the hand-written
// indexes it replaces stay the same.
package keyindex

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/codec"
)

// Index holds the keys that keysOf returns for every value of its IndexedMap.
type Index[K, PK, V any] struct {
	keysOf func(pk PK, v V) ([]K, error)
	codec  codec.KeyCodec[K]
	keys   collections.KeySet[K]
	name   string
}

// New builds an index under prefix; keysOf must depend only on (pk, v).
func New[K, PK, V any](sb *collections.SchemaBuilder, prefix collections.Prefix, name string,
	kc codec.KeyCodec[K], keysOf func(pk PK, v V) ([]K, error),
) *Index[K, PK, V] {
	return &Index[K, PK, V]{
		keysOf: keysOf,
		codec:  kc,
		keys:   collections.NewKeySet(sb, prefix, name, kc, collections.WithKeySetSecondaryIndex()),
		name:   name,
	}
}

// Reference moves the entries of pk from the stored value (if any) to v.
func (i *Index[K, PK, V]) Reference(ctx context.Context, pk PK, v V, lazyOld func() (V, error)) error {
	var oldKeys []K
	old, err := lazyOld()
	switch {
	case err == nil:
		if oldKeys, err = i.keysOf(pk, old); err != nil {
			return err
		}
	case !errors.Is(err, collections.ErrNotFound):
		return err
	}
	newKeys, err := i.keysOf(pk, v)
	if err != nil {
		return err
	}
	keep := make(map[string]bool, len(newKeys))
	for _, k := range newKeys {
		s, err := i.encode(k)
		if err != nil {
			return err
		}
		keep[s] = true
	}
	had := make(map[string]bool, len(oldKeys))
	for _, k := range oldKeys {
		s, err := i.encode(k)
		if err != nil {
			return err
		}
		had[s] = true
		if !keep[s] {
			if err := i.keys.Remove(ctx, k); err != nil {
				return err
			}
		}
	}
	for _, k := range newKeys {
		s, _ := i.encode(k) // encoded above
		if !had[s] {
			had[s] = true // a key listed twice is written once
			if err := i.keys.Set(ctx, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// Unreference removes the entries of the stored value of pk.
func (i *Index[K, PK, V]) Unreference(ctx context.Context, pk PK, lazyOld func() (V, error)) error {
	old, err := lazyOld()
	if err != nil {
		return err
	}
	keys, err := i.keysOf(pk, old)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := i.keys.Remove(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// Has reports whether key is an entry.
func (i *Index[K, PK, V]) Has(ctx context.Context, key K) (bool, error) { return i.keys.Has(ctx, key) }

// Walk visits the entries in ranger in key order until fn stops.
func (i *Index[K, PK, V]) Walk(ctx context.Context, ranger collections.Ranger[K], fn func(key K) (stop bool, err error)) error {
	return i.keys.Walk(ctx, ranger, fn)
}

// Iterate returns an iterator over the entries in ranger.
func (i *Index[K, PK, V]) Iterate(ctx context.Context, ranger collections.Ranger[K]) (collections.KeySetIterator[K], error) {
	return i.keys.Iterate(ctx, ranger)
}

// IterateRaw and KeyCodec let query.CollectionPaginate page through the entries.
func (i *Index[K, PK, V]) IterateRaw(ctx context.Context, start, end []byte, order collections.Order) (collections.Iterator[K, collections.NoValue], error) {
	return i.keys.IterateRaw(ctx, start, end, order)
}

func (i *Index[K, PK, V]) KeyCodec() codec.KeyCodec[K] { return i.codec }

// Entries is the stored key set itself: writes through it bypass the map, for migrations that
// build an index over existing values and for repairs of a corrupted store only.
func (i *Index[K, PK, V]) Entries() collections.KeySet[K] { return i.keys }

// KeysOf is the index's key function (invariants compare it with the stored entries).
func (i *Index[K, PK, V]) KeysOf(pk PK, v V) ([]K, error) { return i.keysOf(pk, v) }

func (i *Index[K, PK, V]) encode(k K) (string, error) {
	bz := make([]byte, i.codec.Size(k))
	if _, err := i.codec.Encode(bz, k); err != nil {
		return "", err
	}
	return string(bz), nil
}

// One returns a keysOf result of a single key.
func One[K any](k K) ([]K, error) { return []K{k}, nil }

// None returns a keysOf result of no key.
func None[K any]() ([]K, error) { return nil, nil }

// Verify checks that the index holds exactly the keys of the values that walk visits (all the
// map's values): invariants and migration tests; it walks everything.
func (i *Index[K, PK, V]) Verify(ctx context.Context, walk func(fn func(pk PK, v V) (bool, error)) error) error {
	want := map[string]bool{}
	err := walk(func(pk PK, v V) (bool, error) {
		keys, err := i.keysOf(pk, v)
		if err != nil {
			return true, err
		}
		for _, k := range keys {
			s, err := i.encode(k)
			if err != nil {
				return true, err
			}
			if has, err := i.keys.Has(ctx, k); err != nil || !has {
				return true, fmt.Errorf("index %s: entry %s of %v missing", i.name, i.codec.Stringify(k), pk)
			}
			want[s] = true
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	n := 0
	if err := i.keys.Walk(ctx, nil, func(K) (bool, error) { n++; return false, nil }); err != nil {
		return err
	}
	if n != len(want) {
		return fmt.Errorf("index %s has %d entries, its values give %d", i.name, n, len(want))
	}
	return nil
}
