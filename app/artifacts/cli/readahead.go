package cli

import (
	"io"
)

// readAhead reads the input in a second goroutine, so file I/O (page-cache
// copies, disk waits) overlaps with hashing instead of alternating with it.
// Memory is bounded by depth buffers of size bytes.
type readAhead struct {
	full chan chunk
	free chan []byte
	cur  chunk
	off  int
	stop chan struct{}
	done chan struct{}
}

type chunk struct {
	b   []byte
	err error
}

func newReadAhead(r io.Reader, size, depth int) *readAhead {
	ra := &readAhead{
		full: make(chan chunk, depth),
		free: make(chan []byte, depth+1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	for range depth + 1 {
		ra.free <- make([]byte, size)
	}
	go func() { // determinism-ok: node-side artifact service, outside consensus
		defer close(ra.done)
		defer close(ra.full)
		for {
			var buf []byte
			select {
			case buf = <-ra.free:
			case <-ra.stop:
				return
			}
			n, err := io.ReadFull(r, buf)
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			select {
			case ra.full <- chunk{buf[:n], err}:
			case <-ra.stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ra
}

func (ra *readAhead) Read(p []byte) (int, error) {
	for ra.off == len(ra.cur.b) {
		if ra.cur.err != nil {
			return 0, ra.cur.err
		}
		if ra.cur.b != nil {
			ra.free <- ra.cur.b[:cap(ra.cur.b)]
		}
		c, ok := <-ra.full
		if !ok {
			return 0, io.EOF
		}
		ra.cur, ra.off = c, 0
	}
	n := copy(p, ra.cur.b[ra.off:])
	ra.off += n
	return n, nil
}

// Close stops the reader goroutine.
func (ra *readAhead) Close() {
	select {
	case <-ra.stop:
	default:
		close(ra.stop)
	}
	<-ra.done
}
