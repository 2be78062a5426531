package artifacts

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ipfs/go-cid"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/novacron/novacron/cidcalc"
)

// Kubo is the optional backend that delegates to a kubo daemon's HTTP RPC,
// for operators who already run one. Imports pass the profile's chunker,
// width and leaf format explicitly (a kubo config profile must not change
// our CIDs), and the CID kubo returns is checked against cidcalc.
type Kubo struct {
	base    string
	timeout time.Duration
	http    *http.Client
}

var _ Backend = (*Kubo)(nil)

// NewKubo returns a backend for the kubo RPC at addr (URL, host:port or
// multiaddr such as /ip4/127.0.0.1/tcp/5001). No request is made yet.
func NewKubo(addr string, fetchTimeout time.Duration) (*Kubo, error) {
	u, err := kuboURL(addr)
	if err != nil {
		return nil, fmt.Errorf("kubo-api: %w", err)
	}
	if fetchTimeout <= 0 {
		fetchTimeout = DefaultFetchTimeout
	}
	return &Kubo{
		base:    u + "/api/v0",
		timeout: fetchTimeout,
		http: &http.Client{Transport: &http.Transport{
			Proxy:       nil,
			DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		}},
	}, nil
}

func kuboURL(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	switch {
	case addr == "":
		return "", errors.New("empty address")
	case strings.HasPrefix(addr, "/"):
		m, err := ma.NewMultiaddr(addr)
		if err != nil {
			return "", err
		}
		var host string
		for _, p := range []int{ma.P_IP4, ma.P_IP6, ma.P_DNS, ma.P_DNS4, ma.P_DNS6} {
			if v, err := m.ValueForProtocol(p); err == nil {
				host = v
				break
			}
		}
		port, err := m.ValueForProtocol(ma.P_TCP)
		if host == "" || err != nil {
			return "", fmt.Errorf("%q: want /ip4|ip6|dns/<host>/tcp/<port>", addr)
		}
		return "http://" + net.JoinHostPort(host, port), nil
	case strings.Contains(addr, "://"):
		u, err := url.Parse(addr)
		if err != nil {
			return "", err
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return "", fmt.Errorf("%q: scheme must be http or https", addr)
		}
		return strings.TrimRight(addr, "/"), nil
	default:
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return "", err
		}
		return "http://" + addr, nil
	}
}

type kuboErr struct {
	Message string
	Code    int
	Type    string
}

// call POSTs to /api/v0/<cmd> (kubo's RPC accepts only POST).
func (k *Kubo) call(ctx context.Context, cmd string, q url.Values, body io.Reader, contentType string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, k.base+"/"+cmd+"?"+q.Encode(), body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := k.http.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			return nil, fmt.Errorf("%w: kubo RPC %s: %v", ErrUnavailable, k.base, err)
		}
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var ke kuboErr
		if json.Unmarshal(raw, &ke) != nil || ke.Message == "" {
			ke.Message = strings.TrimSpace(string(raw))
		}
		return nil, kuboError(cmd, q.Get("arg"), ke.Message, k.timeout)
	}
	return resp, nil
}

func kuboError(cmd, arg, msg string, timeout time.Duration) error {
	switch {
	case strings.Contains(msg, "context deadline exceeded"), strings.Contains(msg, "not found"):
		if c, err := cid.Decode(strings.TrimPrefix(arg, "/ipfs/")); err == nil {
			return fmt.Errorf("kubo %s: %w", cmd, &NotFoundError{CID: c, Timeout: timeout})
		}
		return fmt.Errorf("kubo %s: %s: %w", cmd, msg, ErrNotFound)
	case strings.Contains(msg, "not pinned"):
		return fmt.Errorf("kubo %s %s: %w", cmd, arg, ErrNotPinned)
	case strings.Contains(msg, "invalid") && strings.Contains(msg, "cid"):
		return fmt.Errorf("kubo %s: %s: %w", cmd, msg, ErrInvalidCID)
	}
	return fmt.Errorf("kubo %s: %s", cmd, msg)
}

func (k *Kubo) callJSON(ctx context.Context, cmd string, q url.Values, out any) error {
	resp, err := k.call(ctx, cmd, q, nil, "")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (k *Kubo) timeoutArg(q url.Values) url.Values {
	q.Set("timeout", k.timeout.String())
	return q
}

// Add streams r to `ipfs add` and verifies the returned CID.
func (k *Kubo) Add(ctx context.Context, r io.Reader, opts AddOptions) (AddResult, error) {
	p, err := opts.profile()
	if err != nil {
		return AddResult{}, err
	}
	q := url.Values{}
	q.Set("cid-version", strconv.Itoa(p.CIDVersion))
	q.Set("raw-leaves", strconv.FormatBool(p.RawLeaves))
	q.Set("chunker", "size-"+strconv.FormatInt(p.ChunkSize, 10))
	q.Set("max-file-links", strconv.Itoa(p.MaxLinks))
	q.Set("hash", "sha2-256")
	q.Set("pin", strconv.FormatBool(opts.Pin))
	q.Set("quieter", "true")
	q.Set("progress", "false")

	// Hash locally while streaming, to prove kubo built the same DAG.
	hashR, hashW := io.Pipe()
	type sum struct {
		c   cid.Cid
		err error
	}
	sumCh := make(chan sum, 1)
	go func() { // determinism-ok: node-side artifact service, outside consensus
		c, err := cidcalc.Compute(hashR, p)
		hashR.CloseWithError(err)
		sumCh <- sum{c, err}
	}()
	cr := &countingReader{r: io.TeeReader(r, hashW)}

	bodyR, bodyW := io.Pipe()
	mw := multipart.NewWriter(bodyW)
	go func() { // determinism-ok: node-side artifact service, outside consensus
		part, err := mw.CreateFormFile("file", "artifact")
		if err == nil {
			_, err = io.Copy(part, cr)
		}
		if err == nil {
			err = mw.Close()
		}
		hashW.CloseWithError(err)
		bodyW.CloseWithError(err)
	}()
	resp, err := k.call(ctx, "add", q, bodyR, mw.FormDataContentType())
	bodyR.CloseWithError(errors.New("request finished"))
	if err != nil {
		hashW.CloseWithError(err)
		<-sumCh
		return AddResult{}, err
	}
	defer resp.Body.Close()
	var out struct {
		Hash string
		Size string
	}
	// One JSON object per file; errors mid-add arrive as a trailer.
	dec := json.NewDecoder(bufio.NewReader(resp.Body))
	if err := dec.Decode(&out); err != nil {
		<-sumCh
		return AddResult{}, fmt.Errorf("kubo add: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if msg := resp.Trailer.Get("X-Stream-Error"); msg != "" {
		<-sumCh
		return AddResult{}, fmt.Errorf("kubo add: %s", msg)
	}
	s := <-sumCh
	if s.err != nil {
		return AddResult{}, fmt.Errorf("kubo add: local hash: %w", s.err)
	}
	if out.Hash != s.c.String() {
		return AddResult{}, fmt.Errorf("kubo add returned %s but the %s profile gives %s: check the daemon's Import config", out.Hash, p.Name, s.c)
	}
	return AddResult{CID: out.Hash, Size: cr.n, Pinned: opts.Pin}, nil
}

// Cat checks the root within FetchTimeout, then streams `ipfs cat`.
func (k *Kubo) Cat(ctx context.Context, c cid.Cid) (io.ReadCloser, Stat, error) {
	if err := cidcalc.Check(c); err != nil {
		return nil, Stat{}, fmt.Errorf("%w: %v", ErrInvalidCID, err)
	}
	st, err := k.Stat(ctx, c)
	if err != nil {
		return nil, Stat{}, err
	}
	q := url.Values{}
	q.Set("arg", c.String())
	resp, err := k.call(ctx, "cat", q, nil, "")
	if err != nil {
		return nil, Stat{}, err
	}
	return &kuboStream{resp: resp}, st, nil
}

type kuboStream struct{ resp *http.Response }

func (s *kuboStream) Read(p []byte) (int, error) {
	n, err := s.resp.Body.Read(p)
	if err == io.EOF {
		if msg := s.resp.Trailer.Get("X-Stream-Error"); msg != "" {
			return n, fmt.Errorf("kubo cat: %s", msg)
		}
	}
	return n, err
}

func (s *kuboStream) Close() error { return s.resp.Body.Close() }

// Pin checks the root within FetchTimeout, then runs `ipfs pin add`.
func (k *Kubo) Pin(ctx context.Context, c cid.Cid) error {
	if _, err := k.Stat(ctx, c); err != nil {
		return err
	}
	q := url.Values{}
	q.Set("arg", c.String())
	q.Set("recursive", "true")
	return k.callJSON(ctx, "pin/add", q, nil)
}

func (k *Kubo) Unpin(ctx context.Context, c cid.Cid) error {
	q := url.Values{}
	q.Set("arg", c.String())
	q.Set("recursive", "true")
	return k.callJSON(ctx, "pin/rm", q, nil)
}

func (k *Kubo) Pins(ctx context.Context) ([]PinInfo, error) {
	var out struct {
		Keys map[string]struct{ Type string }
	}
	q := url.Values{}
	q.Set("type", "recursive")
	if err := k.callJSON(ctx, "pin/ls", q, &out); err != nil {
		return nil, err
	}
	pins := make([]PinInfo, 0, len(out.Keys))
	for key := range out.Keys {
		info := PinInfo{CID: key, Size: -1, Kind: PinKindUser}
		if c, err := cid.Decode(key); err == nil {
			if st, err := k.fileStat(ctx, c); err == nil {
				info.Size = st.Size
			}
		}
		pins = append(pins, info)
	}
	return pins, nil
}

// GC runs `ipfs repo gc`; freed bytes come from the repo size before/after.
func (k *Kubo) GC(ctx context.Context) (GCResult, error) {
	before, _ := k.repoSize(ctx)
	resp, err := k.call(ctx, "repo/gc", url.Values{}, nil, "")
	if err != nil {
		return GCResult{}, err
	}
	defer resp.Body.Close()
	var res GCResult
	dec := json.NewDecoder(resp.Body)
	for {
		var line struct {
			Key   map[string]string
			Error string
		}
		if err := dec.Decode(&line); err == io.EOF {
			break
		} else if err != nil {
			return res, fmt.Errorf("kubo repo gc: %w", err)
		}
		if line.Error != "" {
			return res, fmt.Errorf("kubo repo gc: %s", line.Error)
		}
		res.Removed++
	}
	if after, err := k.repoSize(ctx); err == nil && before > after {
		res.Freed = before - after
	}
	return res, nil
}

func (k *Kubo) repoSize(ctx context.Context) (int64, error) {
	var out struct{ RepoSize int64 }
	q := url.Values{}
	q.Set("size-only", "true")
	return out.RepoSize, k.callJSON(ctx, "repo/stat", q, &out)
}

type kuboFileStat struct {
	Hash           string
	Size           int64
	CumulativeSize uint64
	Blocks         int
	Type           string
	Local          bool
}

func (k *Kubo) fileStat(ctx context.Context, c cid.Cid) (kuboFileStat, error) {
	var out kuboFileStat
	q := k.timeoutArg(url.Values{})
	q.Set("arg", "/ipfs/"+c.String())
	q.Set("with-local", "true")
	return out, k.callJSON(ctx, "files/stat", q, &out)
}

// Stat reports files/stat plus whether the root is recursively pinned.
func (k *Kubo) Stat(ctx context.Context, c cid.Cid) (Stat, error) {
	if err := cidcalc.Check(c); err != nil {
		return Stat{}, fmt.Errorf("%w: %v", ErrInvalidCID, err)
	}
	fs, err := k.fileStat(ctx, c)
	if err != nil {
		return Stat{}, err
	}
	st := Stat{CID: c.String(), Type: fs.Type, Size: fs.Size, CumulativeSize: fs.CumulativeSize, Links: fs.Blocks, Local: fs.Local}
	q := url.Values{}
	q.Set("arg", c.String())
	q.Set("type", "recursive")
	st.Pinned = k.callJSON(ctx, "pin/ls", q, nil) == nil
	return st, nil
}

func (k *Kubo) Peers(ctx context.Context) ([]PeerInfo, error) {
	var out struct {
		Peers []struct{ Addr, Peer string }
	}
	if err := k.callJSON(ctx, "swarm/peers", url.Values{}, &out); err != nil {
		return nil, err
	}
	ps := make([]PeerInfo, 0, len(out.Peers))
	for _, p := range out.Peers {
		ps = append(ps, PeerInfo{ID: p.Peer, Addrs: []string{p.Addr}, Connected: true})
	}
	return ps, nil
}

func (k *Kubo) ID(ctx context.Context) (NodeInfo, error) {
	var out struct {
		ID        string
		Addresses []string
	}
	if err := k.callJSON(ctx, "id", url.Values{}, &out); err != nil {
		return NodeInfo{}, err
	}
	return NodeInfo{Backend: BackendKubo, ID: out.ID, Addrs: out.Addresses}, nil
}

func (k *Kubo) Close() error {
	k.http.CloseIdleConnections()
	return nil
}
