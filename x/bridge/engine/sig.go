package engine

import (
	"errors"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/ethereum/go-ethereum/common"
)

// Sig is an Ethereum signature as the contract takes it: v ∈ {27, 28}, low s.
type Sig struct {
	V uint8
	R [32]byte
	S [32]byte
}

// Bytes is r ‖ s ‖ v (65 bytes, the usual Ethereum layout).
func (s Sig) Bytes() []byte {
	out := make([]byte, 0, 65)
	out = append(append(append(out, s.R[:]...), s.S[:]...), s.V)
	return out
}

// SigFromBytes parses r ‖ s ‖ v.
func SigFromBytes(b []byte) (Sig, error) {
	if len(b) != 65 {
		return Sig{}, fmt.Errorf("signature of %d bytes, want 65", len(b))
	}
	var s Sig
	copy(s.R[:], b[:32])
	copy(s.S[:], b[32:64])
	s.V = b[64]
	return s, nil
}

// Errors of Recover.
var (
	ErrSigV      = errors.New("signature v not 27 or 28")
	ErrSigHighS  = errors.New("signature s above n/2 (EIP-2)")
	ErrSigRange  = errors.New("signature r or s zero or not below n")
	ErrSigVerify = errors.New("signature does not recover a key")
)

// Sign signs digest with key (RFC 6979, low s: SignCompact's canonical form).
func Sign(key *secp256k1.PrivateKey, digest [32]byte) Sig {
	c := ecdsa.SignCompact(key, digest[:], false) // v ‖ r ‖ s, v = 27 + recovery bit
	var s Sig
	s.V = c[0]
	copy(s.R[:], c[1:33])
	copy(s.S[:], c[33:65])
	return s
}

// Address is the Ethereum address of a public key: the last 20 bytes of keccak256(X ‖ Y).
func Address(pub *secp256k1.PublicKey) common.Address {
	h := Keccak256(pub.SerializeUncompressed()[1:])
	return common.BytesToAddress(h[12:])
}

// Recover returns the address that signed digest, with the contract's checks: v ∈ {27, 28},
// 0 < r, s < n and s ≤ n/2.
func Recover(digest [32]byte, sig Sig) (common.Address, error) {
	if sig.V != 27 && sig.V != 28 {
		return common.Address{}, ErrSigV
	}
	var r, s secp256k1.ModNScalar
	if r.SetBytes(&sig.R) != 0 || s.SetBytes(&sig.S) != 0 || r.IsZero() || s.IsZero() {
		return common.Address{}, ErrSigRange
	}
	if s.IsOverHalfOrder() {
		return common.Address{}, ErrSigHighS
	}
	compact := append([]byte{sig.V}, append(sig.R[:], sig.S[:]...)...)
	pub, _, err := ecdsa.RecoverCompact(compact, digest[:])
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrSigVerify, err)
	}
	return Address(pub), nil
}
