package hostagent

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// NodeChain is the Chain of a real node: CometBFT RPC for heights and txs, the module's gRPC
// query service (through the client context's ABCI queries) for hosts and VMs, and the keyring
// key of the operator for signing.
//
// Sequence numbers: txs go out one at a time (Report waits for the commit), and the account
// sequence is tracked locally after the first query; on a sequence mismatch it is queried
// again and the tx re-signed once.
type NodeChain struct {
	cctx     client.Context
	txf      tx.Factory
	operator string
	q        types.QueryClient
	// CommitTimeout bounds the wait for a tx to be committed (default 30s).
	CommitTimeout time.Duration
	seqKnown      bool
	accNum        uint64
	seq           uint64
}

// NewNodeChain builds the chain client. cctx must carry From (the operator's key), a keyring,
// the node client and the chain id; txf comes from tx.NewFactoryCLI.
func NewNodeChain(cctx client.Context, txf tx.Factory) (*NodeChain, error) {
	if cctx.FromAddress.Empty() {
		return nil, errors.New("no operator key: pass --from")
	}
	if cctx.Client == nil {
		return nil, errors.New("no node: pass --node")
	}
	op, err := cctx.TxConfig.SigningContext().AddressCodec().BytesToString(cctx.FromAddress)
	if err != nil {
		return nil, err
	}
	return &NodeChain{cctx: cctx, txf: txf, operator: op, q: types.NewQueryClient(cctx), CommitTimeout: 30 * time.Second}, nil
}

// Operator is the bech32 address of the agent's operator.
func (c *NodeChain) Operator() string { return c.operator }

func (c *NodeChain) Height(ctx context.Context) (int64, error) {
	st, err := c.cctx.Client.Status(ctx)
	if err != nil {
		return 0, err
	}
	return st.SyncInfo.LatestBlockHeight, nil
}

func (c *NodeChain) Hosts(ctx context.Context) ([]types.Host, error) {
	var out []types.Host
	var key []byte
	for {
		res, err := c.q.Hosts(ctx, &types.QueryHostsRequest{Pagination: &query.PageRequest{Key: key, Limit: 200}})
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hosts {
			if h.Operator == c.operator {
				out = append(out, h)
			}
		}
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			return out, nil
		}
		key = res.Pagination.NextKey
	}
}

func (c *NodeChain) VMsOnHost(ctx context.Context, hostID string) ([]types.VM, error) {
	var out []types.VM
	var key []byte
	for {
		res, err := c.q.VMsByHost(ctx, &types.QueryVMsByHostRequest{HostId: hostID, Pagination: &query.PageRequest{Key: key, Limit: 200}})
		if err != nil {
			return nil, err
		}
		out = append(out, res.Vms...)
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			return out, nil
		}
		key = res.Pagination.NextKey
	}
}

// MigratedFrom walks the VM's audit log backwards to the entry that started its current
// migration (a drain may re-target a migration: MIGRATING → MIGRATING entries are skipped).
func (c *NodeChain) MigratedFrom(ctx context.Context, vmID uint64) (types.VMState, error) {
	var key []byte
	for {
		res, err := c.q.AuditByVM(ctx, &types.QueryAuditByVMRequest{VmId: vmID, Pagination: &query.PageRequest{Key: key, Limit: 20, Reverse: true}})
		if err != nil {
			return 0, err
		}
		for _, e := range res.Entries {
			if e.NewState == types.VM_STATE_MIGRATING && e.PrevState != types.VM_STATE_MIGRATING {
				return e.PrevState, nil
			}
		}
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			return types.VM_STATE_UNSPECIFIED, nil
		}
		key = res.Pagination.NextKey
	}
}

// Msgs turns reports into MsgReportVMStatus messages signed by operator.
func Msgs(operator string, reports []Report) []sdk.Msg {
	msgs := make([]sdk.Msg, len(reports))
	for i, r := range reports {
		reason := r.Reason
		if len(reason) > types.MaxReasonLen {
			reason = reason[:types.MaxReasonLen]
		}
		msgs[i] = &types.MsgReportVMStatus{Operator: operator, VmId: r.VMID, Status: r.Status, Reason: reason}
	}
	return msgs
}

func (c *NodeChain) Report(ctx context.Context, reports []Report) error {
	if len(reports) == 0 {
		return nil
	}
	msgs := Msgs(c.operator, reports)
	for attempt := 0; ; attempt++ {
		hash, err := c.broadcast(ctx, msgs)
		if err != nil {
			if attempt == 0 && isSequenceErr(err) {
				c.seqKnown = false
				continue
			}
			return err
		}
		c.seq++ // accepted by CheckTx: the sequence is consumed once committed
		return c.waitCommit(ctx, hash)
	}
}

func isSequenceErr(err error) bool {
	return errors.Is(err, sdkerrors.ErrWrongSequence) || strings.Contains(err.Error(), "account sequence mismatch")
}

func (c *NodeChain) broadcast(ctx context.Context, msgs []sdk.Msg) (string, error) {
	if !c.seqKnown {
		num, seq, err := c.cctx.AccountRetriever.GetAccountNumberSequence(c.cctx, c.cctx.FromAddress)
		if err != nil {
			return "", fmt.Errorf("account: %w", err)
		}
		c.accNum, c.seq, c.seqKnown = num, seq, true
	}
	txf := c.txf.WithAccountNumber(c.accNum).WithSequence(c.seq)
	if txf.SimulateAndExecute() || txf.Gas() == 0 {
		_, gas, err := tx.CalculateGas(c.cctx, txf, msgs...)
		if err != nil {
			if isSequenceErr(err) {
				return "", err
			}
			return "", fmt.Errorf("simulate: %w", err)
		}
		txf = txf.WithGas(gas)
	}
	b, err := txf.BuildUnsignedTx(msgs...)
	if err != nil {
		return "", err
	}
	if err := tx.Sign(ctx, txf, c.cctx.FromName, b, true); err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	bz, err := c.cctx.TxConfig.TxEncoder()(b.GetTx())
	if err != nil {
		return "", err
	}
	res, err := c.cctx.BroadcastTxSync(bz)
	if err != nil {
		return "", fmt.Errorf("broadcast: %w", err)
	}
	if res.Code != 0 {
		if res.Codespace == sdkerrors.RootCodespace && res.Code == sdkerrors.ErrWrongSequence.ABCICode() {
			return "", sdkerrors.ErrWrongSequence.Wrap(res.RawLog)
		}
		return "", fmt.Errorf("checktx code %d (%s): %s", res.Code, res.Codespace, res.RawLog)
	}
	return res.TxHash, nil
}

func (c *NodeChain) waitCommit(ctx context.Context, hash string) error {
	hb, err := hex.DecodeString(hash)
	if err != nil {
		return err
	}
	timeout := c.CommitTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	for {
		res, err := c.cctx.Client.Tx(ctx, hb, false)
		if err == nil && res != nil {
			if res.TxResult.Code != 0 {
				return fmt.Errorf("tx %s failed, code %d (%s): %s", hash, res.TxResult.Code, res.TxResult.Codespace, res.TxResult.Log)
			}
			return nil
		}
		if time.Now().After(deadline) {
			// Unknown fate: re-read the sequence before the next tx.
			c.seqKnown = false
			return fmt.Errorf("tx %s not committed within %s", hash, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}
