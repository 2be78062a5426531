package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	dbm "github.com/cosmos/cosmos-db"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/novacron/novacron/app"
)

// node is one localnet node as printed by `scripts/localnet.sh status --json`.
type node struct {
	Name    string `json:"name"`
	Home    string `json:"home"`
	RPC     string `json:"rpc"`
	GRPC    string `json:"grpc"`
	Running bool   `json:"running"`
}

type localnetStatus struct {
	ChainID string `json:"chain_id"`
	Nodes   []node `json:"nodes"`
}

// discover runs the localnet script and returns its running nodes.
func discover(script string) (localnetStatus, error) {
	var st localnetStatus
	cmd := exec.Command(script, "status", "--json")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return st, fmt.Errorf("%s status --json: %w", script, err)
	}
	if err := json.Unmarshal(out, &st); err != nil {
		return st, fmt.Errorf("parse %s status --json: %w (output %q)", script, err, out)
	}
	running := st.Nodes[:0]
	for _, n := range st.Nodes {
		if n.Running {
			running = append(running, n)
		}
	}
	st.Nodes = running
	if len(st.Nodes) == 0 {
		return st, fmt.Errorf("no running localnet node (start one with scripts/localnet.sh start, or pass --rpc)")
	}
	return st, nil
}

// encoding builds NovaCron's codec and TxConfig from a throwaway in-memory app.
type encoding struct {
	cdc      client.Context
	txConfig client.TxConfig
}

func newEncoding() (encoding, error) {
	app.SetConfig()
	home, err := os.MkdirTemp("", "benchtps-app")
	if err != nil {
		return encoding{}, err
	}
	defer os.RemoveAll(home)
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, appOptions{flags.FlagHome: home})
	ctx := client.Context{}.
		WithCodec(a.AppCodec()).
		WithInterfaceRegistry(a.InterfaceRegistry()).
		WithTxConfig(a.TxConfig()).
		WithLegacyAmino(a.LegacyAmino()).
		WithAccountRetriever(authtypes.AccountRetriever{})
	return encoding{cdc: ctx, txConfig: a.TxConfig()}, nil
}

type appOptions map[string]any

func (o appOptions) Get(k string) any { return o[k] }

// queryContext returns a client context that queries through gRPC when grpcAddr is set,
// otherwise through the node's CometBFT RPC (ABCI query).
func (e encoding) queryContext(rpc *rpchttp.HTTP, grpcAddr string) (client.Context, error) {
	ctx := e.cdc.WithClient(rpc)
	if grpcAddr != "" {
		conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return ctx, fmt.Errorf("grpc %s: %w", grpcAddr, err)
		}
		ctx = ctx.WithGRPCClient(conn)
	}
	return ctx, nil
}

// sender is one in-memory load account.
type sender struct {
	priv   cryptotypes.PrivKey
	addr   sdk.AccAddress
	accNum uint64
	seq    uint64 // next sequence to sign with
}

// deriveSenders makes n secp256k1 keys deterministically from seed.
func deriveSenders(seed string, n int) []*sender {
	out := make([]*sender, n)
	for i := range out {
		var idx [8]byte
		binary.BigEndian.PutUint64(idx[:], uint64(i))
		secret := sha256.Sum256(append([]byte("benchtps/"+seed+"/"), idx[:]...))
		priv := secp256k1.GenPrivKeyFromSecret(secret[:])
		out[i] = &sender{priv: priv, addr: sdk.AccAddress(priv.PubKey().Address())}
	}
	return out
}

// faucet signs the funding transactions with a key of a keyring (node0's test keyring).
type faucet struct {
	kr     keyring.Keyring
	name   string
	addr   sdk.AccAddress
	accNum uint64
	seq    uint64
}

func openFaucet(e encoding, home, backend, name string) (*faucet, error) {
	kr, err := keyring.New(sdk.KeyringServiceName(), backend, home, nil, e.cdc.Codec)
	if err != nil {
		return nil, fmt.Errorf("open keyring in %s: %w", home, err)
	}
	rec, err := kr.Key(name)
	if err != nil {
		return nil, fmt.Errorf("key %q in %s (%s backend): %w", name, filepath.Join(home, "keyring-"+backend), backend, err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return nil, err
	}
	return &faucet{kr: kr, name: name, addr: addr}, nil
}

// fundingTxs builds and signs MsgMultiSend txs that give every sender amount of denom,
// at most batch outputs per tx, with consecutive faucet sequences.
func fundingTxs(e encoding, f *faucet, chainID string, senders []*sender, amount sdkmath.Int, denom string, batch int) ([][]byte, error) {
	var txs [][]byte
	for start := 0; start < len(senders); start += batch {
		end := min(start+batch, len(senders))
		coins := sdk.NewCoins(sdk.NewCoin(denom, amount))
		var outs []banktypes.Output
		total := sdk.NewCoins()
		for _, s := range senders[start:end] {
			outs = append(outs, banktypes.NewOutput(s.addr, coins))
			total = total.Add(coins...)
		}
		msg := banktypes.NewMsgMultiSend(banktypes.NewInput(f.addr, total), outs)
		b := e.txConfig.NewTxBuilder()
		if err := b.SetMsgs(msg); err != nil {
			return nil, err
		}
		// Each output may create an account; fees are zero on the localnet, so be generous.
		b.SetGasLimit(uint64(300_000 + 60_000*len(outs)))
		b.SetMemo("benchtps funding")
		txf := clienttx.Factory{}.
			WithTxConfig(e.txConfig).
			WithKeybase(f.kr).
			WithChainID(chainID).
			WithAccountNumber(f.accNum).
			WithSequence(f.seq).
			WithSignMode(signing.SignMode_SIGN_MODE_DIRECT)
		if err := clienttx.Sign(context.Background(), txf, f.name, b, true); err != nil {
			return nil, fmt.Errorf("sign funding tx: %w", err)
		}
		bz, err := e.txConfig.TxEncoder()(b.GetTx())
		if err != nil {
			return nil, err
		}
		txs = append(txs, bz)
		f.seq++
	}
	return txs, nil
}

// signSend builds and signs (SIGN_MODE_DIRECT, offline) a bank send of amount from s to to,
// with s's current sequence, then advances the sequence.
func signSend(e encoding, chainID string, s *sender, to sdk.AccAddress, amount sdk.Coins, gas uint64) ([]byte, error) {
	b := e.txConfig.NewTxBuilder()
	if err := b.SetMsgs(banktypes.NewMsgSend(s.addr, to, amount)); err != nil {
		return nil, err
	}
	b.SetGasLimit(gas)
	b.SetFeeAmount(nil)
	pub := s.priv.PubKey()
	// SIGN_MODE_DIRECT signs over the signer infos, so set them (with an empty signature) first.
	empty := signing.SignatureV2{
		PubKey:   pub,
		Data:     &signing.SingleSignatureData{SignMode: signing.SignMode_SIGN_MODE_DIRECT},
		Sequence: s.seq,
	}
	if err := b.SetSignatures(empty); err != nil {
		return nil, err
	}
	sd := authsigning.SignerData{
		Address:       s.addr.String(),
		ChainID:       chainID,
		AccountNumber: s.accNum,
		Sequence:      s.seq,
		PubKey:        pub,
	}
	sig, err := clienttx.SignWithPrivKey(context.Background(), signing.SignMode_SIGN_MODE_DIRECT, sd, b, s.priv, e.txConfig, s.seq)
	if err != nil {
		return nil, err
	}
	if err := b.SetSignatures(sig); err != nil {
		return nil, err
	}
	s.seq++
	return e.txConfig.TxEncoder()(b.GetTx())
}

// splitList splits a comma-separated flag value.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
