package app

import (
	"bytes"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"

	protov2 "google.golang.org/protobuf/proto"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/client"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
)

// The injected item: the proposer of height h puts the (filtered) extended commit of h−1 in
// front of the block's transactions (docs/VOTE_EXTENSIONS.md, "The injected item"):
//
//	bytes    magic     00 "novacron/voteext"  (17 bytes; 0x00 is no protobuf tag, so no SDK tx starts so)
//	byte     version   1
//	bytes    commit    the gogoproto encoding of abci.ExtendedCommitInfo, canonical (re-encodes to itself)
//
// It is not a transaction: the app's tx decoder turns it into InjectedTx, which fails
// ValidateBasic with ErrInjectedNotTx, so CheckTx rejects it and FinalizeBlock records tx[0]
// as failed with that code, without running anything.

// InjectedMagic starts every injected item.
var InjectedMagic = []byte("\x00novacron/voteext")

// InjectedVersion is the layout of the bytes after the magic.
const InjectedVersion byte = 1

// Codespace of the app's own registered errors.
const voteExtCodespace = "voteext"

var (
	// ErrInjectedNotTx is what decoding the injected item as a transaction fails with.
	ErrInjectedNotTx = errorsmod.Register(voteExtCodespace, 2, "vote extensions injected by the proposer; not a transaction")
	// ErrInjectedMalformed is a malformed injected item (ProcessProposal rejects its block).
	ErrInjectedMalformed = errorsmod.Register(voteExtCodespace, 3, "malformed injected vote extensions")
	// ErrInjectedMismatch is an injected commit that is not the one the proposal builds on, or
	// whose votes break the rules of docs/VOTE_EXTENSIONS.md.
	ErrInjectedMismatch = errorsmod.Register(voteExtCodespace, 4, "injected vote extensions do not match the proposal's last commit")
)

// IsInjected reports whether bz starts with the injected item's magic (of any version).
func IsInjected(bz []byte) bool { return bytes.HasPrefix(bz, InjectedMagic) }

// EncodeInjected returns the injected item carrying info.
func EncodeInjected(info abci.ExtendedCommitInfo) ([]byte, error) {
	pb, err := info.Marshal()
	if err != nil {
		return nil, err
	}
	bz := make([]byte, 0, len(InjectedMagic)+1+len(pb))
	bz = append(bz, InjectedMagic...)
	bz = append(bz, InjectedVersion)
	return append(bz, pb...), nil
}

// DecodeInjected parses an injected item strictly: the magic, version 1, and a commit whose
// encoding is exactly its canonical one (no unknown or repeated fields, no other field order,
// no padded varints), so one content has one byte string.
func DecodeInjected(bz []byte) (abci.ExtendedCommitInfo, error) {
	var info abci.ExtendedCommitInfo
	if !IsInjected(bz) {
		return info, ErrInjectedMalformed.Wrap("no injected-item magic")
	}
	rest := bz[len(InjectedMagic):]
	if len(rest) == 0 || rest[0] != InjectedVersion {
		return info, ErrInjectedMalformed.Wrapf("version: want %d", InjectedVersion)
	}
	pb := rest[1:]
	if err := info.Unmarshal(pb); err != nil {
		return abci.ExtendedCommitInfo{}, ErrInjectedMalformed.Wrap(err.Error())
	}
	again, err := info.Marshal()
	if err != nil || !bytes.Equal(again, pb) {
		return abci.ExtendedCommitInfo{}, ErrInjectedMalformed.Wrap("commit is not canonically encoded")
	}
	return info, nil
}

// injectedAwareTxDecoder decodes the injected item, before the SDK's decoder sees it, to
// InjectedTx: a tx whose one message fails ValidateBasic with ErrInjectedNotTx. BaseApp runs
// ValidateBasic before anything else (ante handler, mempool insertion, message routing), so
// CheckTx and simulation refuse it and FinalizeBlock records tx 0 as failed with that
// registered code (codespace voteext, code 2), 0 gas, no state change. (A decoder error would
// be reported as the SDK's generic "tx parse error" instead.)
func injectedAwareTxDecoder(dec sdk.TxDecoder) sdk.TxDecoder {
	return func(bz []byte) (sdk.Tx, error) {
		if IsInjected(bz) {
			return InjectedTx{}, nil
		}
		return dec(bz)
	}
}

// InjectedTx is what the app's tx decoder returns for the injected item; it never executes.
type InjectedTx struct{}

func (InjectedTx) GetMsgs() []sdk.Msg { return []sdk.Msg{injectedMsg{}} }

func (InjectedTx) GetMsgsV2() ([]protov2.Message, error) { return nil, ErrInjectedNotTx }

// GetProtoTx and AsAny give clients (query tx/txs, the tx gRPC service, explorers) something
// to show for the item: a Tx with no message, an empty fee, and a memo that says what it is.
// Its result (code voteext/2, the same words in the log) says it too.
func (InjectedTx) GetProtoTx() *txtypes.Tx {
	return &txtypes.Tx{
		Body:     &txtypes.TxBody{Memo: InjectedMemo},
		AuthInfo: &txtypes.AuthInfo{Fee: &txtypes.Fee{}},
	}
}

func (t InjectedTx) AsAny() *codectypes.Any {
	a, err := codectypes.NewAnyWithValue(t.GetProtoTx())
	if err != nil {
		panic(err) // a Tx always packs
	}
	return a
}

// InjectedMemo is the memo of the placeholder tx clients show for the injected item.
const InjectedMemo = "vote extensions injected by the proposer; not a transaction (docs/VOTE_EXTENSIONS.md)"

// InjectedAwareTxConfig returns cfg with a TxDecoder that decodes the injected item to
// InjectedTx instead of failing, for client contexts: without it, `query tx` of the item and
// every `query txs` whose results include it fail with "tx parse error".
func InjectedAwareTxConfig(cfg client.TxConfig) client.TxConfig { return injectedAwareTxConfig{cfg} }

type injectedAwareTxConfig struct{ client.TxConfig }

func (c injectedAwareTxConfig) TxDecoder() sdk.TxDecoder {
	return injectedAwareTxDecoder(c.TxConfig.TxDecoder())
}

// injectedMsg is InjectedTx's one message; it has no handler and is never routed.
type injectedMsg struct{}

func (injectedMsg) Reset()               {}
func (injectedMsg) String() string       { return "injected vote extensions" }
func (injectedMsg) ProtoMessage()        {}
func (injectedMsg) ValidateBasic() error { return ErrInjectedNotTx }

func describeVote(i int, v abci.ExtendedVoteInfo) string {
	return fmt.Sprintf("vote %d (%s)", i, sdk.ConsAddress(v.Validator.Address))
}
