package dtn

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

const plan = `# ION-style plan
m production 1000000
a contact +0 +100 1 2 1000
a contact +0 +100 2 1 1000
a contact +50 +200 2 3 1000
a contact +300 +400 2 3 100000
a contact +10 +20 1 3 10
a range +0 +1000 1 2 1
a range +0 +1000 2 3 2
a range +0 +1000 1 3 5
`

func TestParseAndCGR(t *testing.T) {
	p, err := ParsePlan(strings.NewReader(plan))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Contacts) != 5 || len(p.Ranges) != 3 {
		t.Fatalf("%d contacts %d ranges", len(p.Contacts), len(p.Ranges))
	}
	// 500 bytes: 1->2 takes 0.5 s + 1 s OWLT, then 2->3 opens at 50 s.
	r, err := p.CGR(1, 3, 500, 0, 1e9)
	if err != nil {
		t.Fatal(err)
	}
	if r.ArrivalUs != 50_500_000+2_000_000 || len(r.Contacts) != 2 {
		t.Fatalf("route %+v", r)
	}
	// A tiny bundle fits the direct 10 B/s contact and arrives first.
	r, err = p.CGR(1, 3, 10, 0, 1e9)
	if err != nil || len(r.Contacts) != 1 || r.ArrivalUs != 10_000_000+1_000_000+5_000_000 {
		t.Fatalf("direct route %+v %v", r, err)
	}
	// Expiry before any delivery.
	if _, err := p.CGR(1, 3, 500, 0, 5_000_000); err != ErrNoRoute {
		t.Fatalf("want ErrNoRoute, got %v", err)
	}
	if _, err := ParsePlan(strings.NewReader("a contact +5 +1 1 2 10")); err == nil {
		t.Fatal("end before start accepted")
	}
}

func TestSimulateStoreAndForward(t *testing.T) {
	p, _ := ParsePlan(strings.NewReader(plan))
	bs := []Bundle{
		{ID: 1, Src: 1, Dst: 3, SizeBytes: 40_000, CreatedUs: 0, ExpiryUs: 1e9},
		{ID: 2, Src: 1, Dst: 3, SizeBytes: 40_000, CreatedUs: 0, ExpiryUs: 1e9},
		{ID: 3, Src: 1, Dst: 3, SizeBytes: 40_000, CreatedUs: 0, ExpiryUs: 150e6},
	}
	out := p.Simulate(bs)
	// Bundle 1: 1->2 40 s + 1 s OWLT, waits for 2->3 at 50 s, 40 s + 2 s.
	if out[0].ArrivalUs != 92e6 {
		t.Fatalf("bundle 1 arrival %d", out[0].ArrivalUs)
	}
	for _, d := range out {
		t.Logf("bundle %d: %s at %d us via %v", d.ID, d.Reason, d.ArrivalUs, d.Contacts)
	}
	if !out[0].Delivered || !out[1].Delivered || out[2].Delivered {
		t.Fatalf("deliveries %+v", out)
	}
	if out[1].ArrivalUs <= out[0].ArrivalUs {
		t.Fatal("second bundle must queue behind the first")
	}
}

// RandomPlan builds a deterministic plan of n contacts over nodes nodes.
func RandomPlan(n, nodes int, seed uint64) *Plan {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cs := make([]Contact, n)
	for i := range cs {
		a := rng.Int64N(int64(nodes))
		b := (a + 1 + rng.Int64N(int64(nodes-1))) % int64(nodes)
		st := rng.Int64N(86400) * 1e6
		cs[i] = Contact{StartUs: st, EndUs: st + (60+rng.Int64N(1200))*1e6, From: a, To: b,
			RateBps: 1000 + rng.Int64N(1e6), OWLTUs: rng.Int64N(2e6)}
	}
	return NewPlan(cs, nil)
}

func TestGoldenDTN(t *testing.T) {
	p := RandomPlan(2000, 40, 7)
	var bs []Bundle
	for i := int64(0); i < 200; i++ {
		bs = append(bs, Bundle{ID: i, Src: i % 40, Dst: (i*7 + 3) % 40, SizeBytes: 1000 + i*977,
			CreatedUs: i * 300e6, ExpiryUs: i*300e6 + 6*3600e6})
	}
	h := sha256.New()
	var b [8]byte
	for _, d := range p.Simulate(bs) {
		binary.BigEndian.PutUint64(b[:], uint64(d.ArrivalUs))
		h.Write(b[:])
		h.Write([]byte(fmt.Sprint(d.Delivered, d.Contacts)))
	}
	got := hex.EncodeToString(h.Sum(nil))
	const want = "621ee2206dcbf0b65f6f27194016d91e03b2dfaf57920431a87bc2ee62feec09"
	if got != want {
		t.Fatalf("golden DTN hash %s, want %s", got, want)
	}
}

func BenchmarkCGR10kContacts(b *testing.B) {
	p := RandomPlan(10000, 100, 42)
	b.ResetTimer()
	found := 0
	for i := 0; i < b.N; i++ {
		src := int64(i % 100)
		if _, err := p.CGR(src, (src+50)%100, 10000, 0, 86400e6*2); err == nil {
			found++
		}
	}
	b.ReportMetric(float64(found)/float64(b.N), "found/op")
}
