// Package artifacts is the node-side artifact store: large outputs (VM
// images, quantum state vectors, ephemerides, incident bundles) live here
// and the chain keeps only their CIDs. It is not consensus code: keepers
// compute CIDs with the cidcalc sub-package and never wait on this service.
package artifacts

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Logger matches cosmossdk.io/log's Logger, so the node passes its own.
type Logger interface {
	Debug(msg string, keyVals ...any)
	Info(msg string, keyVals ...any)
	Error(msg string, keyVals ...any)
}

// NopLogger discards everything.
type NopLogger struct{}

func (NopLogger) Debug(string, ...any) {}
func (NopLogger) Info(string, ...any)  {}
func (NopLogger) Error(string, ...any) {}

// Service owns the backend and the local HTTP API for the node's lifetime.
type Service struct {
	cfg  Config
	home string
	log  Logger

	mu      sync.Mutex
	backend Backend
	srv     *http.Server
	ln      net.Listener
	served  chan struct{}
}

// New validates cfg; nothing is opened until Start. home is the node home
// directory that relative data-dir paths hang off.
func New(cfg Config, home string, logger Logger) (*Service, error) {
	if logger == nil {
		logger = NopLogger{}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Service{cfg: cfg, home: home, log: logger}, nil
}

// Start opens the backend and serves the local API. ctx bounds start-up
// only; background work runs until Close. A disabled service starts as a
// no-op so the node can call Start unconditionally.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.cfg.Enable {
		s.log.Info("artifacts: disabled in app.toml")
		return nil
	}
	if s.backend != nil {
		return errors.New("artifacts: already started")
	}
	var (
		b   Backend
		err error
	)
	switch s.cfg.Backend {
	case BackendKubo:
		k, kerr := NewKubo(s.cfg.KuboAPI, s.cfg.FetchTimeout)
		if kerr != nil {
			return kerr
		}
		// An unreachable kubo is logged, not fatal: the chain must not
		// depend on it, and the daemon may come up later.
		if _, perr := k.ID(ctx); perr != nil {
			s.log.Error("artifacts: kubo daemon not reachable yet", "api", s.cfg.KuboAPI, "err", perr)
		}
		b = k
	default:
		b, err = OpenEmbedded(ctx, EmbeddedOptions{
			DataDir:      s.cfg.DataPath(s.home),
			ListenAddrs:  s.cfg.ListenAddrs,
			Peers:        s.cfg.Peers,
			FetchTimeout: s.cfg.FetchTimeout,
			Sync:         s.cfg.Sync,
			Logger:       s.log,
		})
		if err != nil {
			return fmt.Errorf("artifacts: %w", err)
		}
	}
	if s.cfg.APIAddr != "" {
		ln, err := net.Listen("tcp", s.cfg.APIAddr)
		if err != nil {
			b.Close()
			return fmt.Errorf("artifacts: api-addr %s: %w", s.cfg.APIAddr, err)
		}
		s.ln = ln
		s.srv = &http.Server{Handler: NewAPIHandler(b, s.log), ReadHeaderTimeout: 10 * time.Second}
		s.served = make(chan struct{})
		go func() { // determinism-ok: node-side artifact service, outside consensus
			defer close(s.served)
			if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("artifacts: api server stopped", "err", err)
			}
		}()
		s.log.Info("artifacts: local API listening", "addr", ln.Addr().String(), "backend", s.cfg.Backend)
	}
	s.backend = b
	return nil
}

// Backend returns the running backend (nil before Start or when disabled);
// the node uses it to store deterministic outputs after commit.
func (s *Service) Backend() Backend {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.backend
}

// APIAddr is the address the local API actually listens on ("" if none).
func (s *Service) APIAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Close stops the API (waiting up to 5s for requests) and the backend.
func (s *Service) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := s.srv.Shutdown(ctx); err != nil {
			errs = append(errs, s.srv.Close())
		}
		cancel()
		<-s.served
		s.srv, s.ln = nil, nil
	}
	if s.backend != nil {
		errs = append(errs, s.backend.Close())
		s.backend = nil
	}
	return errors.Join(errs...)
}
