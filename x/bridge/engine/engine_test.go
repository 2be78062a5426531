package engine

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"slices"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

func key(i byte) *secp256k1.PrivateKey {
	return secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{i}, 32))
}

func TestKeccakIsEthereums(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("abc"), bytes.Repeat([]byte{7}, 200)} {
		if got, want := Keccak256(in), crypto.Keccak256Hash(in); got != want {
			t.Fatalf("%x: %x, geth %x", in, got, want)
		}
	}
	// keccak256("") is the well-known c5d2…a470
	empty := Keccak256(nil)
	if got := hex.EncodeToString(empty[:]); got != "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470" {
		t.Fatal(got)
	}
}

func TestSignRecoverMatchesGeth(t *testing.T) {
	digest := Keccak256([]byte("checkpoint"))
	for i := byte(1); i <= 20; i++ {
		k := key(i)
		sig := Sign(k, digest)
		addr, err := Recover(digest, sig)
		if err != nil {
			t.Fatal(err)
		}
		gk, err := crypto.ToECDSA(k.Serialize())
		if err != nil {
			t.Fatal(err)
		}
		if want := crypto.PubkeyToAddress(gk.PublicKey); addr != want {
			t.Fatalf("key %d: %s, geth %s", i, addr, want)
		}
		// geth's own recovery of the same bytes (its v is 0/1)
		raw := sig.Bytes()
		raw[64] -= 27
		pub, err := crypto.SigToPub(digest[:], raw)
		if err != nil || crypto.PubkeyToAddress(*pub) != addr {
			t.Fatalf("geth recovers %v, %v", pub, err)
		}
		// the same signature by geth's signer is byte-identical (RFC 6979)
		gs, err := crypto.Sign(digest[:], gk)
		if err != nil || !bytes.Equal(gs, raw) {
			t.Fatalf("geth signs %x, we %x (%v)", gs, raw, err)
		}
	}
}

func TestRecoverRejects(t *testing.T) {
	digest := Keccak256([]byte("x"))
	sig := Sign(key(3), digest)
	n := secp256k1.S256().N
	high := sig
	sv := new(big.Int).Sub(n, new(big.Int).SetBytes(sig.S[:]))
	sv.FillBytes(high.S[:])
	high.V = 55 - high.V // (27 ↔ 28): the other valid form of the same signature
	if _, err := Recover(digest, high); err != ErrSigHighS {
		t.Fatalf("high s: %v", err)
	}
	for _, v := range []uint8{0, 1, 26, 29, 31} {
		bad := sig
		bad.V = v
		if _, err := Recover(digest, bad); err != ErrSigV {
			t.Fatalf("v %d: %v", v, err)
		}
	}
	zero := sig
	zero.R = [32]byte{}
	if _, err := Recover(digest, zero); err != ErrSigRange {
		t.Fatalf("zero r: %v", err)
	}
	over := sig
	n.FillBytes(over.R[:])
	if _, err := Recover(digest, over); err != ErrSigRange {
		t.Fatalf("r = n: %v", err)
	}
	// another digest recovers another address, not an error
	other, err := Recover(Keccak256([]byte("y")), sig)
	want, _ := Recover(digest, sig)
	if err == nil && other == want {
		t.Fatal("a signature recovered the same signer for another digest")
	}
	if _, err := SigFromBytes(make([]byte, 64)); err == nil {
		t.Fatal("64-byte signature accepted")
	}
	if s, err := SigFromBytes(sig.Bytes()); err != nil || s != sig {
		t.Fatal("bytes round trip", err)
	}
}

func leaves(n int) [][32]byte {
	out := make([][32]byte, n)
	for i := range out {
		out[i] = Record{Module: ModuleVMLifecycle, ID: uint64(i + 1), Data: VMRecordData(3, "h1", "bafy", uint64(i))}.Hash()
	}
	return out
}

func TestMerkleProofs(t *testing.T) {
	if MerkleRoot(nil) != ([32]byte{}) {
		t.Fatal("empty root not zero")
	}
	one := leaves(1)
	if MerkleRoot(one) != one[0] || len(MerkleProof(one, 0)) != 0 || !VerifyProof(one[0], nil, one[0]) {
		t.Fatal("one leaf")
	}
	two := leaves(2)
	if MerkleRoot(two) != inner(two[1], two[0]) {
		t.Fatal("two leaves: sorted pair")
	}
	for n := 1; n <= 33; n++ {
		ls := leaves(n)
		root := MerkleRoot(ls)
		for i := range ls {
			p := MerkleProof(ls, i)
			if !VerifyProof(ls[i], p, root) {
				t.Fatalf("n %d: leaf %d does not verify", n, i)
			}
			if len(p) > bitsLen(n) {
				t.Fatalf("n %d: proof of %d siblings", n, len(p))
			}
			forged := ls[i]
			forged[0] ^= 1
			if VerifyProof(forged, p, root) {
				t.Fatalf("n %d: forged leaf %d verifies", n, i)
			}
			if len(p) > 0 && VerifyProof(ls[i], p[:len(p)-1], root) {
				t.Fatalf("n %d: truncated proof verifies", n)
			}
		}
		if MerkleProof(ls, n) != nil || MerkleProof(ls, -1) != nil {
			t.Fatal("proof out of range")
		}
	}
	// a zero root proves nothing, not even a proof that folds to zero
	if VerifyProof([32]byte{}, nil, [32]byte{}) {
		t.Fatal("zero root verified")
	}
	// an inner node is no leaf: presenting the two children's parent as a record fails at the root
	ls := leaves(4)
	parent := inner(ls[0], ls[1])
	if !VerifyProof(parent, [][32]byte{inner(ls[2], ls[3])}, MerkleRoot(ls)) {
		t.Fatal("expected the subtree fold to verify (it is how proofs work)")
	}
}

func bitsLen(n int) int {
	b := 0
	for 1<<b < n {
		b++
	}
	return b
}

func TestVMRecordRoundTrip(t *testing.T) {
	data := VMRecordData(3, "host-a", "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", 42)
	st, host, img, h, err := DecodeVMRecordData(data)
	if err != nil || st != 3 || host != "host-a" || img != "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi" || h != 42 {
		t.Fatal(st, host, img, h, err)
	}
	if len(data)%32 != 0 || len(data) < 4*32 {
		t.Fatalf("abi.encode is words: %d bytes", len(data))
	}
	if _, _, _, _, err := DecodeVMRecordData(data[:64]); err == nil {
		t.Fatal("truncated data decoded")
	}
	a := Record{Module: "vmlifecycle", ID: 1, Data: data}
	b := a
	b.ID = 2
	if a.Hash() == b.Hash() || !a.Less(b) || b.Less(a) || !(Record{Module: "a", ID: 9}).Less(Record{Module: "b", ID: 1}) {
		t.Fatal("record identity and order")
	}
}

func TestNormalisePowers(t *testing.T) {
	for _, stakes := range [][]uint64{{1}, {1, 1, 1}, {100, 200, 300, 400}, {1 << 62, 1 << 62, 3}, {7, 0, 5}} {
		ps := NormalisePowers(stakes)
		var sum, n uint64
		for i, p := range ps {
			sum += uint64(p)
			if stakes[i] > 0 {
				n++
			}
		}
		if sum > MaxPower || sum+n < MaxPower {
			t.Fatalf("%v → %v: sum %d", stakes, ps, sum)
		}
	}
	if ps := NormalisePowers([]uint64{5}); ps[0] != MaxPower {
		t.Fatal("one validator holds all power", ps)
	}
	if ps := NormalisePowers([]uint64{1, 1 << 63}); ps[0] != 0 {
		t.Fatal("a negligible share rounds to 0", ps)
	}
	if ps := NormalisePowers([]uint64{0, 0}); ps[0] != 0 || ps[1] != 0 {
		t.Fatal("no stake")
	}
}

func addrs(n int) []common.Address {
	out := make([]common.Address, n)
	for i := range out {
		out[i] = Address(key(byte(i + 1)).PubKey())
	}
	slices.SortFunc(out, func(a, b common.Address) int { return bytes.Compare(a[:], b[:]) })
	return out
}

func TestPowerRule(t *testing.T) {
	third := uint32(MaxPower / 3) // 1431655765 × 3 = MaxPower
	v := Valset{Signers: addrs(3), Powers: []uint32{third, third, third}}
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	if Enough(v, []bool{true, true, false}) {
		t.Fatal("exactly 2/3 is not enough")
	}
	if !Enough(v, []bool{true, true, true}) {
		t.Fatal("all")
	}
	v4 := Valset{Signers: addrs(4), Powers: []uint32{third, third, third - 1, 1}}
	if !Enough(v4, []bool{true, true, false, true}) || Enough(v4, []bool{true, true, false, false}) {
		t.Fatal("2/3 + 1 unit")
	}
	for name, bad := range map[string]struct {
		v   Valset
		err error
	}{
		"empty":        {Valset{}, ErrEmptyValset},
		"shape":        {Valset{Signers: addrs(2), Powers: []uint32{MaxPower}}, ErrValsetShape},
		"unsorted":     {Valset{Signers: []common.Address{addrs(2)[1], addrs(2)[0]}, Powers: []uint32{third, 2 * third}}, ErrValsetOrder},
		"duplicate":    {Valset{Signers: []common.Address{addrs(1)[0], addrs(1)[0]}, Powers: []uint32{third, 2 * third}}, ErrValsetOrder},
		"zero address": {Valset{Signers: []common.Address{{}, addrs(1)[0]}, Powers: []uint32{third, 2 * third}}, ErrValsetZero},
		"zero power":   {Valset{Signers: addrs(2), Powers: []uint32{0, MaxPower}}, ErrValsetZero},
		"underpowered": {Valset{Signers: addrs(3), Powers: []uint32{1, 1, 1}}, ErrValsetUnderpowerd},
		"two thirds":   {Valset{Signers: addrs(2), Powers: []uint32{third, third}}, ErrValsetUnderpowerd},
	} {
		if err := bad.v.Validate(); err != bad.err {
			t.Errorf("%s: %v, want %v", name, err, bad.err)
		}
	}
}

// Pinned vectors: the contract's tests check its hashes against these same functions; a change
// here is a change of the wire format (a new tag version).
func TestHashVectors(t *testing.T) {
	v := Valset{Nonce: 1, Signers: addrs(2), Powers: []uint32{2_000_000_000, 2_000_000_000}}
	rec := Record{Module: ModuleVMLifecycle, ID: 7, Data: VMRecordData(3, "h1", "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", 12)}
	cp := Checkpoint{Nonce: 3, StartHeight: 101, EndHeight: 200, AppHash: Keccak256([]byte("app")), RecordsRoot: rec.Hash(), ValsetHash: v.Hash()}
	d := Domain{EVMChainID: big.NewInt(137), Mirror: common.HexToAddress("0x00000000000000000000000000000000000000aa"), NovaChainID: "novacron-1"}
	got := map[string][32]byte{
		"record": rec.Hash(), "valset": v.Hash(), "checkpoint": cp.Hash(), "digest": d.Digest(KindCheckpoint, cp.Hash()),
	}
	want := map[string]string{
		"record":     "db6061df109ed9ea313014454723cddfd3f972917b2c68666cbd21e0b9e663f0",
		"valset":     "7a4411a1dd2cfc20def90fdfa4567959da8d4feb289bb7fb685b0062df44b58e",
		"checkpoint": "59e0d5b6b6974274ddde283afbc0c33091d79cd85a979e6f7bdc2e66548c6c79",
		"digest":     "0edc1329c8d0ea730f276732e26e7c48a51afdc1af8e540383ddc892d82f96d7",
	}
	for name, h := range got {
		if hex.EncodeToString(h[:]) != want[name] {
			t.Errorf("%s %x, pinned %s", name, h, want[name])
		}
	}
	// hand-checked layout: the record preimage is four words
	mod, data := Keccak256([]byte("vmlifecycle")), Keccak256(rec.Data)
	pre := append(append(append([]byte{}, RecordTag[:]...), mod[:]...), make([]byte, 24)...)
	pre = append(append(pre, 0, 0, 0, 0, 0, 0, 0, 7), data[:]...)
	if Keccak256(pre) != rec.Hash() {
		t.Fatal("record hash is not keccak256(tag ‖ keccak(module) ‖ uint64 id ‖ keccak(data))")
	}
	if d.Digest(KindCheckpoint, cp.Hash()) == d.Digest(KindValset, cp.Hash()) {
		t.Fatal("kind not in the digest")
	}
	d2 := d
	d2.EVMChainID = big.NewInt(1)
	d3 := d
	d3.Mirror[19] = 0xab
	d4 := d
	d4.NovaChainID = "novacron-2"
	for _, o := range []Domain{d2, d3, d4} {
		if o.Digest(KindCheckpoint, cp.Hash()) == d.Digest(KindCheckpoint, cp.Hash()) {
			t.Fatalf("domain %+v not in the digest", o)
		}
	}
}

func TestRecordHashIsABIEncode(t *testing.T) {
	for i, r := range []Record{{}, {Module: "vmlifecycle", ID: 1 << 63, Data: VMRecordData(8, "h", "c", 1)}, {Module: "quantumjob", ID: 5, Data: []byte{1, 2, 3}}} {
		if want := Keccak256(pack(recordArg, RecordTag, Keccak256([]byte(r.Module)), r.ID, Keccak256(r.Data))); r.Hash() != want {
			t.Fatalf("record %d: %x, abi.encode gives %x", i, r.Hash(), want)
		}
	}
}
