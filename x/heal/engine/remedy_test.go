package engine

import (
	"fmt"
	"strings"
	"testing"
)

// The ladder with its backoff: the actions taken at each height until escalation.
func TestRemedyLadder(t *testing.T) {
	p := RemedyPolicy{MaxRestarts: 2, MaxMigrations: 1, ScaleOut: true, BackoffBlocks: 2}
	trace := func(hostFailed bool) string {
		var s RemedyState
		var out []string
		for h := int64(10); h < 50; h++ {
			a, next := NextRemedy(s, p, hostFailed, h)
			s = next
			if a != ActNone {
				out = append(out, fmt.Sprintf("%d:%s", h, a))
			}
			if a == ActEscalate {
				break
			}
		}
		return strings.Join(out, " ")
	}
	// backoff after the first action 2 blocks, then 4, then 8
	if got, want := trace(false), "10:restart 12:restart 16:migrate 24:scale-out 40:escalate"; got != want {
		t.Fatalf("healthy host: %s, want %s", got, want)
	}
	if got, want := trace(true), "10:migrate 12:scale-out 16:escalate"; got != want {
		t.Fatalf("failed host: %s, want %s", got, want)
	}
	if a, _ := NextRemedy(RemedyState{}, RemedyPolicy{}, false, 1); a != ActEscalate {
		t.Fatalf("a policy without remedies: %s", a)
	}
}
