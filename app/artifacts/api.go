package artifacts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"

	"github.com/novacron/novacron/cidcalc"
)

// Local HTTP API, version 1. Loopback only and unauthenticated, so every
// request must carry APIHeader: browsers cannot add a custom header to a
// cross-site request without a CORS preflight, which this API never grants,
// so a web page cannot drive it. The Host check defeats DNS rebinding.
const (
	APIPrefix     = "/api/v1"
	APIHeader     = "X-Novacron-Artifacts"
	streamErrHdr  = "X-Stream-Error"
	sizeHdr       = "X-Artifact-Size"
	statHdr       = "X-Artifact-Stat"
	errCodeHeader = "X-Error-Code"
)

// Error codes carried in JSON error bodies.
const (
	codeNotFound    = "not_found"
	codeInvalidCID  = "invalid_cid"
	codeCorrupt     = "corrupt"
	codeNotPinned   = "not_pinned"
	codeBadRequest  = "bad_request"
	codeInternal    = "internal"
	codeUnavailable = "unavailable"
	codeDiskFull    = "disk_full"
)

type apiErrorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// NewAPIHandler serves a Backend over the local API.
func NewAPIHandler(b Backend, log Logger) http.Handler {
	if log == nil {
		log = NopLogger{}
	}
	h := &apiHandler{b: b, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+APIPrefix+"/add", h.add)
	mux.HandleFunc("GET "+APIPrefix+"/cat/{cid}", h.cat)
	mux.HandleFunc("POST "+APIPrefix+"/pin/{cid}", h.pin)
	mux.HandleFunc("POST "+APIPrefix+"/unpin/{cid}", h.unpin)
	mux.HandleFunc("GET "+APIPrefix+"/ls", h.ls)
	mux.HandleFunc("POST "+APIPrefix+"/gc", h.gc)
	mux.HandleFunc("GET "+APIPrefix+"/stat/{cid}", h.stat)
	mux.HandleFunc("GET "+APIPrefix+"/peers", h.peers)
	mux.HandleFunc("GET "+APIPrefix+"/id", h.id)
	return guard(mux)
}

func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(APIHeader) != "1" {
			writeErr(w, http.StatusForbidden, codeBadRequest, "missing "+APIHeader+" header")
			return
		}
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if ip, err := netip.ParseAddr(host); host != "localhost" && (err != nil || !ip.IsLoopback()) {
			writeErr(w, http.StatusForbidden, codeBadRequest, "Host must be a loopback address")
			return
		}
		next.ServeHTTP(w, r)
	})
}

type apiHandler struct {
	b   Backend
	log Logger
}

func (h *apiHandler) add(w http.ResponseWriter, r *http.Request) {
	var opts AddOptions
	q := r.URL.Query()
	if v := q.Get("cid-version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			writeErr(w, http.StatusBadRequest, codeBadRequest, "cid-version: "+err.Error())
			return
		}
		opts.CIDVersion = n
	}
	opts.Profile = q.Get("profile")
	opts.Pin = q.Get("pin") != "false"
	res, err := h.b.Add(r.Context(), r.Body, opts)
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, res)
}

func (h *apiHandler) cat(w http.ResponseWriter, r *http.Request) {
	c, err := cidcalc.Parse(r.PathValue("cid"))
	if err != nil {
		h.fail(w, err)
		return
	}
	rc, st, err := h.b.Cat(r.Context(), c)
	if err != nil {
		h.fail(w, err)
		return
	}
	defer rc.Close()
	stJSON, _ := json.Marshal(st)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set(sizeHdr, strconv.FormatInt(st.Size, 10))
	w.Header().Set(statHdr, string(stJSON))
	// Errors after the first byte can only travel in a trailer; the client
	// treats a missing or non-empty trailer as failure.
	w.Header().Set("Trailer", streamErrHdr)
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		h.log.Error("artifacts: cat failed mid-stream", "cid", c.String(), "err", err)
		w.Header().Set(streamErrHdr, errCode(err)+": "+err.Error())
		return
	}
	w.Header().Set(streamErrHdr, "")
}

func (h *apiHandler) pin(w http.ResponseWriter, r *http.Request) {
	c, err := cidcalc.Parse(r.PathValue("cid"))
	if err == nil {
		err = h.b.Pin(r.Context(), c)
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, map[string]string{"pinned": c.String()})
}

func (h *apiHandler) unpin(w http.ResponseWriter, r *http.Request) {
	c, err := cidcalc.Parse(r.PathValue("cid"))
	if err == nil {
		err = h.b.Unpin(r.Context(), c)
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, map[string]string{"unpinned": c.String()})
}

func (h *apiHandler) ls(w http.ResponseWriter, r *http.Request) {
	pins, err := h.b.Pins(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	if pins == nil {
		pins = []PinInfo{}
	}
	writeJSON(w, pins)
}

func (h *apiHandler) gc(w http.ResponseWriter, r *http.Request) {
	res, err := h.b.GC(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, res)
}

func (h *apiHandler) stat(w http.ResponseWriter, r *http.Request) {
	c, err := cidcalc.Parse(r.PathValue("cid"))
	if err != nil {
		h.fail(w, err)
		return
	}
	st, err := h.b.Stat(r.Context(), c)
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, st)
}

func (h *apiHandler) peers(w http.ResponseWriter, r *http.Request) {
	ps, err := h.b.Peers(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	if ps == nil {
		ps = []PeerInfo{}
	}
	writeJSON(w, ps)
}

func (h *apiHandler) id(w http.ResponseWriter, r *http.Request) {
	info, err := h.b.ID(r.Context())
	if err != nil {
		h.fail(w, err)
		return
	}
	writeJSON(w, info)
}

func (h *apiHandler) fail(w http.ResponseWriter, err error) {
	code := errCode(err)
	status := http.StatusInternalServerError
	switch code {
	case codeNotFound, codeNotPinned:
		status = http.StatusNotFound
	case codeInvalidCID, codeBadRequest:
		status = http.StatusBadRequest
	case codeUnavailable:
		status = http.StatusBadGateway
	case codeDiskFull:
		status = http.StatusInsufficientStorage
	}
	if status == http.StatusInternalServerError {
		h.log.Error("artifacts: api request failed", "err", err)
	}
	writeErr(w, status, code, err.Error())
}

func errCode(err error) string {
	switch {
	case errors.Is(err, ErrNotFound):
		return codeNotFound
	case errors.Is(err, ErrInvalidCID):
		return codeInvalidCID
	case errors.Is(err, ErrCorrupt):
		return codeCorrupt
	case errors.Is(err, ErrNotPinned):
		return codeNotPinned
	case errors.Is(err, ErrUnavailable):
		return codeUnavailable
	case errors.Is(err, ErrDiskFull):
		return codeDiskFull
	default:
		return codeInternal
	}
}

func codeErr(code string) error {
	switch code {
	case codeNotFound:
		return ErrNotFound
	case codeInvalidCID:
		return ErrInvalidCID
	case codeCorrupt:
		return ErrCorrupt
	case codeNotPinned:
		return ErrNotPinned
	case codeUnavailable:
		return ErrUnavailable
	case codeDiskFull:
		return ErrDiskFull
	default:
		return nil
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		// Headers are gone; nothing better to do than drop the connection.
		panic(http.ErrAbortHandler)
	}
}

func writeErr(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(errCodeHeader, code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(apiErrorBody{Error: msg, Code: code})
}

// remoteError is an API error re-created on the client side; errors.Is
// still matches the sentinel the server saw.
type remoteError struct {
	msg  string
	code string
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return codeErr(e.code) }

func decodeErr(resp *http.Response) error {
	var body apiErrorBody
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err := json.Unmarshal(raw, &body); err != nil || body.Error == "" {
		return fmt.Errorf("artifacts api: %s: %s", resp.Status, string(raw))
	}
	return &remoteError{msg: body.Error, code: body.Code}
}
