//go:build unix

package hostagent

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSIGUSR1TogglesSilent(t *testing.T) {
	s := fixtureServer(HealthConfig{}, time.Now)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ToggleSilentOnSIGUSR1(ctx, s, nopLog{})
	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGUSR1))
	require.Eventually(t, func() bool { return s.ControlState().Mode == ModeSilent }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGUSR1))
	require.Eventually(t, func() bool { return s.ControlState().Mode == ModeOK }, 5*time.Second, 5*time.Millisecond)
}
