//go:build unix

package hostagent

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// ToggleSilentOnSIGUSR1 makes every SIGUSR1 toggle the health endpoint between silent and ok,
// until ctx is done. It returns once the signal is being listened for.
func ToggleSilentOnSIGUSR1(ctx context.Context, s *HealthServer, log Logger) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	go func() {
		defer signal.Stop(ch)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
				mode := s.ToggleSilent()
				if log != nil {
					log.Info("health endpoint toggled (SIGUSR1)", "mode", mode)
				}
			}
		}
	}()
}
