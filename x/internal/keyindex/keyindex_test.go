package keyindex_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/colltest"
	corestore "cosmossdk.io/core/store"
	"pgregory.net/rapid"

	"github.com/novacron/novacron/x/internal/keyindex"
)

// tags indexes each value ("a,b,c"; "" = no entry) under (tag, pk).
type tags struct {
	ByTag *keyindex.Index[collections.Pair[string, uint64], uint64, string]
}

func (t tags) IndexesList() []collections.Index[uint64, string] {
	return []collections.Index[uint64, string]{t.ByTag}
}

func tagKeys(pk uint64, v string) ([]collections.Pair[string, uint64], error) {
	if v == "" {
		return keyindex.None[collections.Pair[string, uint64]]()
	}
	var out []collections.Pair[string, uint64]
	for _, t := range strings.Split(v, ",") {
		out = append(out, collections.Join(t, pk))
	}
	return out, nil
}

// countingService counts the writes and deletes that reach the store.
type countingService struct {
	inner          corestore.KVStoreService
	writes, delete *int
}

func (c countingService) OpenKVStore(ctx context.Context) corestore.KVStore {
	return countingStore{c.inner.OpenKVStore(ctx), c.writes, c.delete}
}

type countingStore struct {
	corestore.KVStore
	writes, deletes *int
}

func (c countingStore) Set(k, v []byte) error { *c.writes++; return c.KVStore.Set(k, v) }
func (c countingStore) Delete(k []byte) error { *c.deletes++; return c.KVStore.Delete(k) }

type fataler interface {
	Helper()
	Fatal(args ...any)
}

func newMap(t fataler) (context.Context, *collections.IndexedMap[uint64, string, tags], *int, *int) {
	t.Helper()
	svc, ctx := colltest.MockStore()
	var writes, deletes int
	sb := collections.NewSchemaBuilder(countingService{svc, &writes, &deletes})
	m := collections.NewIndexedMap(sb, collections.NewPrefix(1), "values", collections.Uint64Key, collections.StringValue,
		tags{ByTag: keyindex.New(sb, collections.NewPrefix(2), "by_tag",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), tagKeys)})
	if _, err := sb.Build(); err != nil {
		t.Fatal(err)
	}
	return ctx, m, &writes, &deletes
}

func entries(t fataler, ctx context.Context, m *collections.IndexedMap[uint64, string, tags]) []string {
	t.Helper()
	var out []string
	if err := m.Indexes.ByTag.Walk(ctx, nil, func(k collections.Pair[string, uint64]) (bool, error) {
		out = append(out, fmt.Sprintf("%s/%d", k.K1(), k.K2()))
		return false, nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestIndexFollowsValues(t *testing.T) {
	ctx, m, _, _ := newMap(t)
	for pk, v := range map[uint64]string{1: "a,b", 2: "", 3: "b"} {
		if err := m.Set(ctx, pk, v); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := entries(t, ctx, m), []string{"a/1", "b/1", "b/3"}; !slices.Equal(got, want) {
		t.Fatalf("entries %v, want %v", got, want)
	}
	if err := m.Set(ctx, 1, "c"); err != nil {
		t.Fatal(err)
	}
	if err := m.Set(ctx, 2, "a"); err != nil {
		t.Fatal(err)
	}
	if err := m.Remove(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if got, want := entries(t, ctx, m), []string{"a/2", "c/1"}; !slices.Equal(got, want) {
		t.Fatalf("entries %v, want %v", got, want)
	}
	if has, err := m.Indexes.ByTag.Has(ctx, collections.Join("a", uint64(2))); err != nil || !has {
		t.Fatalf("Has(a/2) = %v, %v", has, err)
	}
}

// Only the entries that change are written: a Set that keeps the value's keys writes the value alone.
func TestIndexWritesOnlyChanges(t *testing.T) {
	ctx, m, writes, deletes := newMap(t)
	if err := m.Set(ctx, 1, "a,b,a"); err != nil { // "a" listed twice is written once
		t.Fatal(err)
	}
	if *writes != 3 || *deletes != 0 {
		t.Fatalf("first set: %d writes %d deletes, want 3 and 0", *writes, *deletes)
	}
	*writes = 0
	if err := m.Set(ctx, 1, "b,a"); err != nil {
		t.Fatal(err)
	}
	if *writes != 1 || *deletes != 0 {
		t.Fatalf("same keys: %d writes %d deletes, want 1 (the value) and 0", *writes, *deletes)
	}
	*writes = 0
	if err := m.Set(ctx, 1, "b,c"); err != nil {
		t.Fatal(err)
	}
	if *writes != 2 || *deletes != 1 {
		t.Fatalf("a→c: %d writes %d deletes, want 2 and 1", *writes, *deletes)
	}
}

// After any sequence of writes and removals the index holds exactly the keys of the stored values.
func TestIndexMatchesRecomputation(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		ctx, m, _, _ := newMap(rt)
		tag := rapid.SampledFrom([]string{"", "a", "b", "a,b", "b,c", "c,c"})
		want := map[uint64]string{}
		for range rapid.IntRange(1, 40).Draw(rt, "ops") {
			pk := rapid.Uint64Range(1, 6).Draw(rt, "pk")
			if rapid.Bool().Draw(rt, "remove") {
				if _, ok := want[pk]; ok {
					if err := m.Remove(ctx, pk); err != nil {
						rt.Fatal(err)
					}
					delete(want, pk)
				}
				continue
			}
			v := tag.Draw(rt, "v")
			if err := m.Set(ctx, pk, v); err != nil {
				rt.Fatal(err)
			}
			want[pk] = v
		}
		var expect []string
		for pk, v := range want {
			keys, _ := tagKeys(pk, v)
			for _, k := range keys {
				s := fmt.Sprintf("%s/%d", k.K1(), k.K2())
				if !slices.Contains(expect, s) {
					expect = append(expect, s)
				}
			}
		}
		slices.Sort(expect)
		if got := entries(rt, ctx, m); !slices.Equal(got, expect) {
			rt.Fatalf("entries %v, want %v", got, expect)
		}
	})
}
