package keeper

import (
	"context"

	"github.com/novacron/novacron/x/internal/events"
)

func emit(ctx context.Context, typ string, attrs ...string) { events.Emit(ctx, typ, attrs...) }
