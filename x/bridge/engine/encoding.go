// Package engine is the EVM bridge's pure logic, shared by the chain and the relayer: the
// Solidity abi.encode layouts of records, validator sets and checkpoints, their Keccak-256
// hashes, the records' Merkle tree, the power rule and the signatures. docs/BRIDGE.md is its
// specification; contracts/NovaMirror.sol hashes the same bytes. No SDK import.
package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/sha3"
)

// Keccak256 is Ethereum's hash (the pre-standard Keccak, not SHA3-256).
func Keccak256(parts ...[]byte) [32]byte {
	h := sha3.NewLegacyKeccak256()
	for _, p := range parts {
		h.Write(p)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// The tags that start each hashed structure (docs/BRIDGE.md, Tags).
var (
	RecordTag     = Keccak256([]byte("NovaMirror.Record.v1"))
	ValsetTag     = Keccak256([]byte("NovaMirror.Valset.v1"))
	CheckpointTag = Keccak256([]byte("NovaMirror.Checkpoint.v1"))
	DomainTag     = Keccak256([]byte("NovaMirror.Domain.v1"))
)

// abi argument lists, built once; Pack is Solidity's abi.encode.
var (
	tBytes32  = mustType("bytes32")
	tUint64   = mustType("uint64")
	tUint8    = mustType("uint8")
	tUint256  = mustType("uint256")
	tString   = mustType("string")
	tAddress  = mustType("address")
	tAddrs    = mustType("address[]")
	tUint32s  = mustType("uint32[]")
	recordArg = abi.Arguments{{Type: tBytes32}, {Type: tBytes32}, {Type: tUint64}, {Type: tBytes32}}
	valsetArg = abi.Arguments{{Type: tBytes32}, {Type: tUint64}, {Type: tAddrs}, {Type: tUint32s}}
	checkArg  = abi.Arguments{{Type: tBytes32}, {Type: tUint64}, {Type: tUint64}, {Type: tUint64}, {Type: tBytes32}, {Type: tBytes32}, {Type: tBytes32}}
	domainArg = abi.Arguments{{Type: tBytes32}, {Type: tUint256}, {Type: tAddress}, {Type: tBytes32}, {Type: tUint8}, {Type: tBytes32}}
	vmDataArg = abi.Arguments{{Type: tUint8}, {Type: tString}, {Type: tString}, {Type: tUint64}}
)

func mustType(t string) abi.Type {
	ty, err := abi.NewType(t, "", nil)
	if err != nil {
		panic(err) // a constant type name: fails at init or never
	}
	return ty
}

func pack(args abi.Arguments, values ...any) []byte {
	bz, err := args.Pack(values...)
	if err != nil {
		panic(fmt.Sprintf("bridge abi encoding: %v", err)) // the Go types are fixed above: a bug, not input
	}
	return bz
}

// ModuleVMLifecycle names x/vmlifecycle's records.
const ModuleVMLifecycle = "vmlifecycle"

// Record is one mirrored object; Data is abi.encode of the module's fields.
type Record struct {
	Module string
	ID     uint64
	Data   []byte
}

// VMRecordData is the data of a VM's record: abi.encode(uint8 state, string hostId,
// string imageCid, uint64 updatedHeight).
func VMRecordData(state uint8, hostID, imageCID string, updatedHeight uint64) []byte {
	return pack(vmDataArg, state, hostID, imageCID, updatedHeight)
}

// DecodeVMRecordData is the inverse of VMRecordData.
func DecodeVMRecordData(data []byte) (state uint8, hostID, imageCID string, updatedHeight uint64, err error) {
	vals, err := vmDataArg.Unpack(data)
	if err != nil {
		return 0, "", "", 0, err
	}
	return vals[0].(uint8), vals[1].(string), vals[2].(string), vals[3].(uint64), nil
}

// Hash is keccak256(abi.encode(RECORD_TAG, keccak256(module), id, keccak256(data))). The
// preimage is four static words, written here directly (a checkpoint hashes every mirrored
// record: abi.Pack's reflection costs 3× more); TestRecordHashIsABIEncode pins it to Pack.
func (r Record) Hash() [32]byte {
	var pre [128]byte
	copy(pre[:32], RecordTag[:])
	mod := Keccak256([]byte(r.Module))
	copy(pre[32:64], mod[:])
	binary.BigEndian.PutUint64(pre[88:96], r.ID)
	data := Keccak256(r.Data)
	copy(pre[96:], data[:])
	return Keccak256(pre[:])
}

// Less orders records by (module as bytes, id): the order of a checkpoint's leaves.
func (r Record) Less(o Record) bool {
	if r.Module != o.Module {
		return r.Module < o.Module
	}
	return r.ID < o.ID
}

// MaxPower is the sum normalised powers stay within (2^32 − 1).
const MaxPower = 1<<32 - 1

// Valset is a validator set as the contract stores it: signers strictly ascending.
type Valset struct {
	Nonce   uint64
	Signers []common.Address
	Powers  []uint32
}

// Errors of Valset.Validate.
var (
	ErrEmptyValset       = errors.New("valset has no signer")
	ErrValsetShape       = errors.New("valset signers and powers differ in length")
	ErrValsetOrder       = errors.New("valset signers not strictly ascending")
	ErrValsetZero        = errors.New("valset has a zero address or a zero power")
	ErrValsetUnderpowerd = errors.New("valset power cannot reach two thirds of MaxPower")
)

// Validate checks a set the contract would accept: non-empty, ascending unique non-zero
// signers, positive powers, and a total that can sign (3·Σ > 2·MaxPower).
func (v Valset) Validate() error {
	switch {
	case len(v.Signers) == 0:
		return ErrEmptyValset
	case len(v.Signers) != len(v.Powers):
		return ErrValsetShape
	}
	var total uint64
	for i, s := range v.Signers {
		if s == (common.Address{}) || v.Powers[i] == 0 {
			return ErrValsetZero
		}
		if i > 0 && new(big.Int).SetBytes(v.Signers[i-1][:]).Cmp(new(big.Int).SetBytes(s[:])) >= 0 {
			return ErrValsetOrder
		}
		total += uint64(v.Powers[i])
	}
	if 3*total <= 2*MaxPower {
		return ErrValsetUnderpowerd
	}
	return nil
}

// Total is the sum of the set's powers.
func (v Valset) Total() uint64 {
	var t uint64
	for _, p := range v.Powers {
		t += uint64(p)
	}
	return t
}

// Hash is keccak256(abi.encode(VALSET_TAG, nonce, signers, powers)).
func (v Valset) Hash() [32]byte {
	signers, powers := v.Signers, v.Powers
	if signers == nil {
		signers = []common.Address{}
	}
	if powers == nil {
		powers = []uint32{}
	}
	return Keccak256(pack(valsetArg, ValsetTag, v.Nonce, signers, powers))
}

// NormalisePowers maps stakes to powers floor(stake·MaxPower/Σ stake) in 128-bit arithmetic;
// a share that rounds to 0 stays 0 (the caller leaves that validator out).
func NormalisePowers(stakes []uint64) []uint32 {
	total := new(big.Int)
	for _, s := range stakes {
		total.Add(total, new(big.Int).SetUint64(s))
	}
	out := make([]uint32, len(stakes))
	if total.Sign() == 0 {
		return out
	}
	maxP := new(big.Int).SetUint64(MaxPower)
	for i, s := range stakes {
		p := new(big.Int).Mul(new(big.Int).SetUint64(s), maxP)
		out[i] = uint32(p.Quo(p, total).Uint64())
	}
	return out
}

// Enough reports whether the members marked in signed hold strictly more than two thirds of
// the set's total power: 3·Σ signed > 2·Σ all (what the contract and the chain's finality
// both require).
func Enough(v Valset, signed []bool) bool {
	var got uint64
	for i, ok := range signed {
		if ok && i < len(v.Powers) {
			got += uint64(v.Powers[i])
		}
	}
	return 3*got > 2*v.Total()
}

// Checkpoint is one signed summary of NovaCron's state.
type Checkpoint struct {
	Nonce       uint64
	StartHeight uint64
	EndHeight   uint64
	AppHash     [32]byte
	RecordsRoot [32]byte
	ValsetHash  [32]byte
}

// Hash is keccak256(abi.encode(CHECKPOINT_TAG, nonce, start, end, appHash, recordsRoot, valsetHash)).
func (c Checkpoint) Hash() [32]byte {
	return Keccak256(pack(checkArg, CheckpointTag, c.Nonce, c.StartHeight, c.EndHeight, c.AppHash, c.RecordsRoot, c.ValsetHash))
}

// What a digest signs.
const (
	KindCheckpoint uint8 = 1
	KindValset     uint8 = 2
)

// Domain is one bridge deployment: the replay domain of every signature.
type Domain struct {
	EVMChainID  *big.Int
	Mirror      common.Address
	NovaChainID string
}

// Digest is keccak256(abi.encode(DOMAIN_TAG, evmChainId, mirror, keccak256(novaChainId), kind, hash)).
func (d Domain) Digest(kind uint8, hash [32]byte) [32]byte {
	id := d.EVMChainID
	if id == nil {
		id = new(big.Int)
	}
	return Keccak256(pack(domainArg, DomainTag, id, d.Mirror, Keccak256([]byte(d.NovaChainID)), kind, hash))
}
