// Command benchtps is a load driver for a NovaCron localnet: it funds N in-memory accounts from the
// faucet, pre-signs bank sends, broadcasts them at a fixed rate round-robin over the nodes'
// CometBFT RPC and reports committed TPS and submit-to-commit latency.
//
//	go run ./scripts/benchtps --accounts 200 --rate 100 --duration 20s
//	make bench-tps BENCH_ARGS='--rate 100 --duration 20s --json'
//
// It exits 1 when any accepted tx is not committed within --timeout, 2 on setup errors.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	sdkmath "cosmossdk.io/math"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

type options struct {
	script, rpcs, grpc, home, chainID string
	faucet, keyringBackend, denom     string
	accounts                          int
	seed                              string
	rate                              float64
	duration                          time.Duration
	txs                               int
	gas                               uint64
	fundAmount                        int64
	fundBatch                         int
	noFund                            bool
	workers                           int
	timeout                           time.Duration
	goalP50                           time.Duration
	jsonOut                           bool
}

func main() {
	var o options
	// An own flag set: packages linked in through the app register test flags on the global one.
	fs := flag.NewFlagSet("benchtps", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./scripts/benchtps [flags]\n\nflags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.script, "localnet", "scripts/localnet.sh", "localnet script used to discover the nodes (its status --json); honours LOCALNET_DIR / LOCALNET_PORT_BASE")
	fs.StringVar(&o.rpcs, "rpc", "", "comma-separated CometBFT RPC addresses (default: every running localnet node)")
	fs.StringVar(&o.grpc, "grpc", "", "gRPC address for account queries (default: node0's; empty with --rpc means ABCI queries over RPC)")
	fs.StringVar(&o.home, "home", "", "home holding the faucet key's keyring (default: node0's home)")
	fs.StringVar(&o.chainID, "chain-id", "", "chain id (default: the localnet's, else novacron-local-1)")
	fs.StringVar(&o.faucet, "faucet", "faucet", "name of the funding key in the keyring")
	fs.StringVar(&o.keyringBackend, "keyring-backend", "test", "keyring backend of the faucet key")
	fs.StringVar(&o.denom, "denom", "unova", "denomination sent")
	fs.IntVar(&o.accounts, "accounts", 200, "number of sender accounts")
	fs.StringVar(&o.seed, "seed", "novacron", "seed from which the sender keys are derived")
	fs.Float64Var(&o.rate, "rate", 100, "broadcast rate in tx/s")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long to broadcast (txs = rate x duration) unless --txs is set")
	fs.IntVar(&o.txs, "txs", 0, "number of txs to send (overrides --duration)")
	fs.Uint64Var(&o.gas, "gas", 100000, "gas limit of each bank send (fee is 0)")
	fs.Int64Var(&o.fundAmount, "fund-amount", 10_000_000, "amount of --denom given to each sender")
	fs.IntVar(&o.fundBatch, "fund-batch", 100, "outputs per funding MsgMultiSend")
	fs.BoolVar(&o.noFund, "no-fund", false, "skip funding (the senders already hold funds)")
	fs.IntVar(&o.workers, "workers", 8, "concurrent broadcast connections per node")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "after the last send, how long to wait for commits before counting a tx as lost")
	fs.DurationVar(&o.goalP50, "goal-p50", 1500*time.Millisecond, "p50 submit-to-commit latency goal")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as one JSON object")
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		fatalf("unexpected arguments %v", fs.Args())
	}
	if o.accounts < 1 || o.rate <= 0 || o.workers < 1 || o.fundBatch < 1 {
		fatalf("--accounts, --rate, --workers and --fund-batch must be positive")
	}
	rep, err := run(o)
	if err != nil {
		fatalf("%v", err)
	}
	if o.jsonOut {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		printTable(os.Stdout, rep)
	}
	if rep.Lost > 0 {
		os.Exit(1)
	}
}

func fatalf(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "benchtps: "+f+"\n", a...)
	os.Exit(2)
}

func logf(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "benchtps: %s "+f+"\n", append([]any{time.Now().Format("15:04:05.000")}, a...)...)
}

func run(o options) (Report, error) {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()

	// Where is the network?
	rpcs, grpcAddr, home, chainID := splitList(o.rpcs), o.grpc, o.home, o.chainID
	if len(rpcs) == 0 {
		st, err := discover(o.script)
		if err != nil {
			return Report{}, err
		}
		for _, n := range st.Nodes {
			rpcs = append(rpcs, n.RPC)
		}
		if grpcAddr == "" {
			grpcAddr = st.Nodes[0].GRPC
		}
		if home == "" {
			home = st.Nodes[0].Home
		}
		if chainID == "" {
			chainID = st.ChainID
		}
	}
	if home == "" {
		return Report{}, errors.New("--home (the faucet's keyring home) is required with --rpc")
	}
	if chainID == "" {
		chainID = "novacron-local-1"
	}
	logf("chain %s, %d node(s): %v", chainID, len(rpcs), rpcs)

	enc, err := newEncoding()
	if err != nil {
		return Report{}, err
	}
	w, err := newWatcher(rpcs[0])
	if err != nil {
		return Report{}, err
	}
	wctx, wstop := context.WithCancel(ctx)
	defer wstop()
	if err := w.start(wctx); err != nil {
		return Report{}, err
	}
	defer func() { _ = w.c.Stop() }()
	qctx, err := enc.queryContext(w.c, grpcAddr)
	if err != nil {
		return Report{}, err
	}

	senders := deriveSenders(o.seed, o.accounts)
	if !o.noFund {
		f, err := openFaucet(enc, home, o.keyringBackend, o.faucet)
		if err != nil {
			return Report{}, err
		}
		if f.accNum, f.seq, err = enc.cdc.AccountRetriever.GetAccountNumberSequence(qctx, f.addr); err != nil {
			return Report{}, fmt.Errorf("faucet account %s: %w", f.addr, err)
		}
		txs, err := fundingTxs(enc, f, chainID, senders, sdkmath.NewInt(o.fundAmount), o.denom, o.fundBatch)
		if err != nil {
			return Report{}, err
		}
		logf("funding %d accounts with %d%s each in %d MsgMultiSend tx(s) from %s", len(senders), o.fundAmount, o.denom, len(txs), f.addr)
		var hashes []string
		for _, tx := range txs {
			res, err := w.c.BroadcastTxSync(ctx, tx)
			if err != nil {
				return Report{}, fmt.Errorf("broadcast funding tx: %w", err)
			}
			if res.Code != 0 {
				return Report{}, fmt.Errorf("funding tx rejected by CheckTx: %s/%d: %s", res.Codespace, res.Code, res.Log)
			}
			hashes = append(hashes, fmt.Sprintf("%X", cmttypes.Tx(tx).Hash()))
		}
		if missing := w.waitCommitted(hashes, 60*time.Second); len(missing) > 0 {
			return Report{}, fmt.Errorf("funding txs %v not committed within 60s", missing)
		}
		var height int64
		for _, h := range hashes {
			ci, _ := w.lookup(h)
			if ci.code != 0 {
				return Report{}, fmt.Errorf("funding tx %s failed at height %d: code %d: %s", h, ci.height, ci.code, ci.log)
			}
			height = max(height, ci.height)
		}
		logf("funded at height %d", height)
		// Let node0's query state catch up with the block it just announced.
		time.Sleep(300 * time.Millisecond)
	}

	// Account numbers and sequences (a re-run continues where the last one left off).
	if err := querySenders(qctx.AccountRetriever, qctx, senders); err != nil {
		return Report{}, err
	}

	n := o.txs
	if n <= 0 {
		n = int(o.rate * o.duration.Seconds())
	}
	if n < 1 {
		return Report{}, errors.New("nothing to send: set --txs or --duration")
	}
	plan, workerNode, err := presign(enc, chainID, senders, n, len(rpcs), o.workers, o.gas, o.denom)
	if err != nil {
		return Report{}, err
	}

	clients := make([]*rpchttp.HTTP, len(workerNode))
	for wi, ni := range workerNode {
		hc := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4}, Timeout: 30 * time.Second}
		if clients[wi], err = rpchttp.NewWithClient(toHTTP(rpcs[ni]), "/websocket", hc); err != nil {
			return Report{}, err
		}
	}

	nodeClients := make([]*rpchttp.HTTP, len(rpcs)) // failover targets, one per node
	for ni := range rpcs {
		hc := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 30 * time.Second}
		if nodeClients[ni], err = rpchttp.NewWithClient(toHTTP(rpcs[ni]), "/websocket", hc); err != nil {
			return Report{}, err
		}
	}

	ours := make(map[string]bool, n)
	for _, r := range plan.recs {
		ours[r.hash] = true
	}
	logf("sending %d txs at %.0f tx/s round-robin over %d node(s) (%d connections each)", n, o.rate, len(rpcs), o.workers)
	load0 := loadAvg()
	var sent, resent atomic.Int64
	progress := func() {
		committed := 0
		for h := range ours {
			if _, ok := w.lookup(h); ok {
				committed++
			}
		}
		logf("  sent %d/%d, committed %d", sent.Load(), n, committed)
	}
	broadcast(ctx, plan, clients, workerNode, nodeClients, o.rate, &sent, &resent, progress)
	logf("all sent; waiting up to %s for commits", o.timeout)

	// Wait for the accepted ones; rejected txs are checked too, but do not hold the wait.
	var accepted []string
	for _, r := range plan.recs {
		if r.state == stateAccepted {
			accepted = append(accepted, r.hash)
		}
	}
	w.waitCommitted(accepted, o.timeout)
	time.Sleep(200 * time.Millisecond)
	wstop()

	for _, r := range plan.recs {
		if ci, ok := w.lookup(r.hash); ok {
			r.committed, r.commitAt, r.height, r.execCode, r.execReason = true, ci.seen, ci.height, ci.code, ci.log
		}
	}
	rep := buildReport(plan.recs, w.blocksWithOurs(ours), o.rate)
	rep.ChainID, rep.Nodes, rep.Accounts = chainID, len(rpcs), len(senders)
	rep.Resent = int(resent.Load())
	rep.GoalP50Ms = float64(o.goalP50) / float64(time.Millisecond)
	rep.GoalMet = rep.Lost == 0 && rep.Committed > 0 && rep.Latency.P50 <= rep.GoalP50Ms
	rep.CommitWait = o.timeout.String()
	rep.LoadAvg = [2]float64{load0, loadAvg()}
	return rep, nil
}

// loadAvg is the host's 1-minute load average (0 where /proc/loadavg is missing).
func loadAvg() float64 {
	bz, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	_, _ = fmt.Sscan(string(bz), &l)
	return l
}

// toHTTP turns tcp://host:port into http://host:port (both work; http keeps keep-alive simple).
func toHTTP(addr string) string {
	if len(addr) > 6 && addr[:6] == "tcp://" {
		return "http://" + addr[6:]
	}
	return addr
}

// querySenders fills account numbers and sequences, a few queries at a time.
func querySenders(ar client.AccountRetriever, qctx client.Context, senders []*sender) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  atomic.Int64
	)
	for range min(8, len(senders)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(senders) {
					return
				}
				s := senders[i]
				num, seq, err := ar.GetAccountNumberSequence(qctx, s.addr)
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("account %d (%s): %w (fund it, or drop --no-fund)", i, s.addr, err)
					}
					mu.Unlock()
					return
				}
				s.accNum, s.seq = num, seq
			}
		}()
	}
	wg.Wait()
	return first
}

// presign signs n sends: tx k is from account k mod N (to the next account) with that account's
// next sequence. Account a is served by node a mod nodes through worker (a / nodes) mod workers of
// that node, so its txs always reach the same node, in order.
func presign(enc encoding, chainID string, senders []*sender, n, nodes, workers int, gas uint64, denom string) (loadPlan, []int, error) {
	start := time.Now()
	N := len(senders)
	plan := loadPlan{txs: make([][]byte, n), recs: make([]*txRecord, n), workerOf: make([]int, n)}
	workerNode := make([]int, nodes*workers)
	for wi := range workerNode {
		workerNode[wi] = wi / workers
	}
	amount := sdk.NewCoins(sdk.NewInt64Coin(denom, 1))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  atomic.Int64
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				a := int(next.Add(1) - 1)
				if a >= N {
					return
				}
				to := senders[(a+1)%N].addr
				wi := (a%nodes)*workers + (a/nodes)%workers
				for k := a; k < n; k += N {
					bz, err := signSend(enc, chainID, senders[a], to, amount, gas)
					if err != nil {
						mu.Lock()
						first = errors.Join(first, err)
						mu.Unlock()
						return
					}
					plan.txs[k] = bz
					plan.recs[k] = &txRecord{hash: fmt.Sprintf("%X", cmttypes.Tx(bz).Hash())}
					plan.workerOf[k] = wi
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return plan, nil, first
	}
	logf("pre-signed %d bank sends from %d accounts in %s", n, N, time.Since(start).Round(time.Millisecond))
	return plan, workerNode, nil
}
