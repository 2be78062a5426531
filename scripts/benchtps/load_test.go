package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
)

// A tx whose node refuses the connection goes to the next node, and a node's "already in
// cache" answer (the first node took it, its reply was lost) counts as accepted.
func TestSendFailover(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close() // connection refused from now on
	reply := func(body string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		}))
	}
	up := reply(`{"jsonrpc":"2.0","id":0,"result":{"code":0,"data":"","log":"","codespace":"","hash":"AB"}}`)
	defer up.Close()
	cached := reply(`{"jsonrpc":"2.0","id":0,"error":{"code":-32603,"message":"Internal error","data":"tx already exists in cache"}}`)
	defer cached.Close()
	client := func(url string) *rpchttp.HTTP {
		c, err := rpchttp.New(url, "/websocket")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	nodes := []*rpchttp.HTTP{client(downURL), client(up.URL)}
	res, ni, hops, err := sendFailover(context.Background(), nodes, 0, []byte("tx"))
	if err != nil || ni != 1 || hops != 1 || res.Code != 0 {
		t.Fatalf("failover: node %d hops %d %v", ni, hops, err)
	}
	res, ni, _, err = sendFailover(context.Background(), []*rpchttp.HTTP{client(downURL), client(cached.URL)}, 0, []byte("tx"))
	if err != nil || ni != 1 || res.Code != 0 {
		t.Fatalf("already in cache: node %d %v", ni, err)
	}
	if _, _, _, err = sendFailover(context.Background(), []*rpchttp.HTTP{client(downURL)}, 0, []byte("tx")); err == nil || !unreachable(err) {
		t.Fatalf("all down: %v", err)
	}
}
