package engine

import (
	"fmt"
	"testing"
)

// fleet is n hosts of 10 VMs each, all up.
func fleet(n int) View {
	v := make(View, n)
	for i := range v {
		vms := make([]VM, 10)
		for k := range vms {
			vms[k] = VM{ID: uint64(i*10 + k + 1), State: VMRunning, CPUMilli: 500, MemMiB: 2048}
		}
		v[i] = Host{Status: StatusUp, RTTBucket: 3, Seq: 1000, VMs: vms}
	}
	return v
}

// next is the fleet one probe later: every agent beat once, one VM in twenty changed its
// utilisation and one host in a hundred stopped answering.
func next(agreed View) View {
	seen := make(View, len(agreed))
	for i, h := range agreed {
		s := Host{Status: h.Status, RTTBucket: h.RTTBucket, Seq: h.Seq + 1, VMs: append([]VM(nil), h.VMs...)}
		for k := range s.VMs {
			if (i*10+k)%20 == 0 {
				s.VMs[k].CPUMilli += 250
			}
		}
		if i%100 == 99 {
			s = Host{Status: StatusDown, Seq: h.Seq, VMs: h.VMs}
		}
		seen[i] = s
	}
	return seen
}

// The size goal: at most 16 KiB for 1,000 hosts.
func TestObservationSizeAt1000Hosts(t *testing.T) {
	agreed := fleet(1000)
	obs, err := Diff(10, agreed, next(agreed))
	if err != nil {
		t.Fatal(err)
	}
	bz, err := EncodeObservations(obs)
	if err != nil {
		t.Fatal(err)
	}
	if len(bz) > 16<<10 {
		t.Fatalf("%d bytes for 1,000 hosts", len(bz))
	}
	t.Logf("1,000 hosts × 10 VMs, every agent beating, 5 %% of VMs changed, 1 %% of hosts down: %d bytes", len(bz))
}

// BenchmarkAggregate: the agreement over one block's votes (what PrepareProposal, ProcessProposal
// and the PreBlocker each compute), 1,000 hosts × 10 VMs.
func BenchmarkAggregate(b *testing.B) {
	agreed := fleet(1000)
	seen := next(agreed)
	for _, validators := range []int{4, 21} {
		b.Run(fmt.Sprintf("hosts=1000/validators=%d", validators), func(b *testing.B) {
			votes := make([]Vote, validators)
			for i := range votes {
				votes[i] = Vote{Power: 10, View: seen}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Aggregate(agreed, votes, int64(10*validators)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeApply: decoding one validator's heal section and rebuilding its view.
func BenchmarkDecodeApply(b *testing.B) {
	agreed := fleet(1000)
	obs, _ := Diff(10, agreed, next(agreed))
	bz, _ := EncodeObservations(obs)
	b.SetBytes(int64(len(bz)))
	b.ReportAllocs()
	for b.Loop() {
		o, err := DecodeObservations(bz)
		if err != nil {
			b.Fatal(err)
		}
		_ = Apply(agreed, o)
	}
}
