package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// progress draws a one-line bar on stderr, only when stderr is a terminal
// (so scripts and pipes get clean output) and --progress is not false.
type progress struct {
	w       io.Writer // nil: disabled
	label   string
	total   int64 // -1: unknown
	n       int64
	start   time.Time
	lastOut time.Time
}

func newProgress(cmd *cobra.Command, total int64, label string) *progress {
	p := &progress{label: label, total: total, start: time.Now()} // determinism-ok: node-side artifact service, outside consensus
	if f := cmd.Flags().Lookup(flagProgress); f != nil && f.Value.String() == "false" {
		return p
	}
	if f, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.w = f
	}
	return p
}

func (p *progress) wrap(r io.Reader) io.Reader {
	if p.w == nil {
		return r
	}
	return &progressReader{r: r, p: p}
}

type progressReader struct {
	r io.Reader
	p *progress
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	pr.p.add(n)
	return n, err
}

// add counts n more bytes done and redraws at most every 100 ms.
func (p *progress) add(n int) {
	p.n += int64(n)
	if p.w == nil {
		return
	}
	if now := time.Now(); now.Sub(p.lastOut) >= 100*time.Millisecond { // determinism-ok: node-side artifact service, outside consensus
		p.lastOut = now
		p.draw()
	}
}

func (p *progress) draw() {
	rate := float64(p.n) / max(time.Since(p.start).Seconds(), 1e-3)
	line := fmt.Sprintf("%s  %s", p.label, humanBytes(p.n))
	if p.total > 0 {
		frac := min(float64(p.n)/float64(p.total), 1)
		const width = 30
		fill := int(frac * width)
		line = fmt.Sprintf("%s  %s / %s [%s%s] %3.0f%%", p.label, humanBytes(p.n), humanBytes(p.total),
			strings.Repeat("=", fill), strings.Repeat(" ", width-fill), frac*100)
	}
	fmt.Fprintf(p.w, "\r\033[K%s  %s/s", line, humanBytes(int64(rate)))
}

func (p *progress) done() {
	if p.w != nil {
		p.draw()
		fmt.Fprintln(p.w)
	}
}

func (p *progress) abort() {
	if p.w != nil {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
