package artifacts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ipfs/go-cid"
)

// Client talks to a running node's local API; it implements Backend so the
// CLI and tests use the same interface as the node.
type Client struct {
	base string
	http *http.Client
}

var _ Backend = (*Client)(nil)

// NewClient returns a client for host:port (or an http:// URL).
func NewClient(addr string) *Client {
	base := addr
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	return &Client{
		base: strings.TrimRight(base, "/") + APIPrefix,
		// No overall timeout: artifacts stream for as long as they are;
		// callers cancel through ctx.
		http: &http.Client{Transport: &http.Transport{
			Proxy:       nil, // never send loopback API calls through a proxy
			DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		}},
	}
}

func (c *Client) do(ctx context.Context, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set(APIHeader, "1")
	if body != nil {
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return nil, fmt.Errorf("%w: cannot reach the node's artifact API at %s (is the node running with [artifacts] enable = true?): %v",
				ErrUnavailable, strings.TrimSuffix(c.base, APIPrefix), err)
		}
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		return nil, decodeErr(resp)
	}
	return resp, nil
}

func (c *Client) getJSON(ctx context.Context, method, path string, out any) error {
	resp, err := c.do(ctx, method, path, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// Add streams r to the node.
func (c *Client) Add(ctx context.Context, r io.Reader, opts AddOptions) (AddResult, error) {
	q := url.Values{}
	q.Set("cid-version", strconv.Itoa(opts.CIDVersion))
	q.Set("pin", strconv.FormatBool(opts.Pin))
	if opts.Profile != "" {
		q.Set("profile", opts.Profile)
	}
	// Hide r's concrete type so net/http streams it chunked instead of
	// trying to learn its length.
	resp, err := c.do(ctx, http.MethodPost, "/add?"+q.Encode(), io.NopCloser(r))
	if err != nil {
		return AddResult{}, err
	}
	defer resp.Body.Close()
	var res AddResult
	return res, json.NewDecoder(resp.Body).Decode(&res)
}

// Cat streams an artifact; Read returns an error if the server reported a
// failure mid-stream or the stream was cut short.
func (c *Client) Cat(ctx context.Context, id cid.Cid) (io.ReadCloser, Stat, error) {
	resp, err := c.do(ctx, http.MethodGet, "/cat/"+id.String(), nil)
	if err != nil {
		return nil, Stat{}, err
	}
	var st Stat
	_ = json.Unmarshal([]byte(resp.Header.Get(statHdr)), &st)
	size, _ := strconv.ParseInt(resp.Header.Get(sizeHdr), 10, 64)
	return &trailerReader{resp: resp, want: size}, st, nil
}

type trailerReader struct {
	resp *http.Response
	n    int64
	want int64
}

func (t *trailerReader) Read(p []byte) (int, error) {
	n, err := t.resp.Body.Read(p)
	t.n += int64(n)
	if err == io.EOF {
		msg, ok := t.resp.Trailer[http.CanonicalHeaderKey(streamErrHdr)]
		switch {
		case !ok:
			return n, fmt.Errorf("artifact stream ended without status after %d bytes", t.n)
		case len(msg) > 0 && msg[0] != "":
			code, text, _ := strings.Cut(msg[0], ": ")
			return n, &remoteError{msg: text, code: code}
		case t.n != t.want:
			return n, fmt.Errorf("artifact stream has %d bytes, expected %d", t.n, t.want)
		}
	}
	return n, err
}

func (t *trailerReader) Close() error { return t.resp.Body.Close() }

func (c *Client) Pin(ctx context.Context, id cid.Cid) error {
	return c.getJSON(ctx, http.MethodPost, "/pin/"+id.String(), &map[string]string{})
}

func (c *Client) Unpin(ctx context.Context, id cid.Cid) error {
	return c.getJSON(ctx, http.MethodPost, "/unpin/"+id.String(), &map[string]string{})
}

func (c *Client) Pins(ctx context.Context) ([]PinInfo, error) {
	var out []PinInfo
	return out, c.getJSON(ctx, http.MethodGet, "/ls", &out)
}

func (c *Client) GC(ctx context.Context) (GCResult, error) {
	var out GCResult
	return out, c.getJSON(ctx, http.MethodPost, "/gc", &out)
}

func (c *Client) Stat(ctx context.Context, id cid.Cid) (Stat, error) {
	var out Stat
	return out, c.getJSON(ctx, http.MethodGet, "/stat/"+id.String(), &out)
}

func (c *Client) Peers(ctx context.Context) ([]PeerInfo, error) {
	var out []PeerInfo
	return out, c.getJSON(ctx, http.MethodGet, "/peers", &out)
}

func (c *Client) ID(ctx context.Context) (NodeInfo, error) {
	var out NodeInfo
	return out, c.getJSON(ctx, http.MethodGet, "/id", &out)
}

// Close releases idle connections.
func (c *Client) Close() error {
	c.http.CloseIdleConnections()
	return nil
}
