package netgraph

import (
	"testing"

	"github.com/novacron/novacron/x/orbit/engine/shell"
)

func TestHandoffsKuiperManila(t *testing.T) {
	gs := loadStations(t)
	nw, err := NewNetwork(shell.KuiperK1, gs[:20])
	if err != nil {
		t.Fatal(err)
	}
	serving, ev, err := nw.Handoffs(17, shell.EpochUnixNano, shell.EpochUnixNano+600e9, 1e9)
	if err != nil {
		t.Fatal(err)
	}
	if len(serving) != 601 || len(ev) == 0 {
		t.Fatalf("%d samples %d events", len(serving), len(ev))
	}
	for _, e := range ev {
		if e.From == e.To {
			t.Fatalf("bogus event %+v", e)
		}
	}
	// Consistency with the snapshot graph at an event time.
	s := nw.Snapshot(ev[0].UnixNano)
	if got, _ := s.Serving(17); got != ev[0].To {
		t.Fatalf("snapshot serving %d, event says %d", got, ev[0].To)
	}
	t.Logf("%d handoffs in 10 min for Manila; first %+v", len(ev), ev[0])
	if _, ok, err := nw.NextHandoff(17, shell.EpochUnixNano, 600e9, 1e9); !ok || err != nil {
		t.Fatal("no next handoff")
	}
}
