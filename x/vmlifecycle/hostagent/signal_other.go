//go:build !unix

package hostagent

import "context"

// ToggleSilentOnSIGUSR1 does nothing where there is no SIGUSR1; use POST /control.
func ToggleSilentOnSIGUSR1(context.Context, *HealthServer, Logger) {}
