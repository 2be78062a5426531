// Package dtn implements delay-tolerant networking over ION-style contact
// plans: parsing "a contact" / "a range" commands, contact graph routing
// (earliest arrival, fixed tie-break) and a store-and-forward bundle
// delivery simulation with expiry. All times are integer microseconds and
// all arithmetic is integer, so results are bit-identical everywhere.
package dtn

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/novacron/novacron/x/internal/meter"
)

// Contact is a scheduled transmission opportunity From -> To.
type Contact struct {
	StartUs, EndUs int64
	From, To       int64
	RateBps        int64 // bytes per second
	OWLTUs         int64 // one-way light time, from the range table
}

// Range is an ION range entry (one-way light time between two nodes).
type Range struct {
	StartUs, EndUs int64
	From, To       int64
	OWLTUs         int64
}

// Plan is a parsed contact plan; Contacts are in canonical order.
type Plan struct {
	Contacts []Contact
	Ranges   []Range
	byFrom   map[int64][]int
}

// MaxContacts bounds a plan for metered use.
const MaxContacts = 200000

// parseTime reads "+seconds" (relative), plain seconds, or ION's absolute
// "yyyy/mm/dd-hh:mm:ss" (as seconds since the Unix epoch); result in us.
func parseTime(s string) (int64, error) {
	s = strings.TrimPrefix(s, "+")
	if strings.Contains(s, "/") {
		t, err := time.Parse("2006/01/02-15:04:05", s)
		if err != nil {
			return 0, err
		}
		return t.Unix() * 1e6, nil
	}
	return parseSecondsUs(s)
}

// parseSecondsUs parses a decimal number of seconds into microseconds
// without floating point.
func parseSecondsUs(s string) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	if ip == "" && fp == "" {
		return 0, fmt.Errorf("empty number")
	}
	if len(ip) > 12 {
		return 0, fmt.Errorf("number too large")
	}
	var v int64
	if ip != "" {
		n, err := strconv.ParseUint(ip, 10, 63)
		if err != nil {
			return 0, err
		}
		v = int64(n) * 1e6
	}
	if len(fp) > 6 {
		fp = fp[:6]
	}
	if fp != "" {
		n, err := strconv.ParseUint(fp, 10, 63)
		if err != nil {
			return 0, err
		}
		for i := len(fp); i < 6; i++ {
			n *= 10
		}
		v += int64(n)
	}
	if neg {
		v = -v
	}
	return v, nil
}

// ParsePlan reads ION contact-plan commands. Lines other than "a contact"
// and "a range" (comments, "m", "s", node settings) are ignored.
func ParsePlan(r io.Reader) (*Plan, error) {
	return ParsePlanMetered(r, nil)
}

// ParsePlanMetered is ParsePlan under the meter m: LineSteps plus a step
// per ByteSteps bytes before each line is parsed, then the prices of
// finishing the plan (sort, light times, index; see finish).
func ParsePlanMetered(r io.Reader, m *meter.Meter) (*Plan, error) {
	p := &Plan{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if err := m.Charge(StagePlan, LineSteps+uint64(len(sc.Bytes()))/ByteSteps); err != nil {
			return nil, err
		}
		f := strings.Fields(sc.Text())
		if len(f) < 2 || f[0] != "a" || (f[1] != "contact" && f[1] != "range") {
			continue
		}
		if len(f) < 7 {
			return nil, fmt.Errorf("contact plan line %d: want 7 fields", line)
		}
		start, err1 := parseTime(f[2])
		end, err2 := parseTime(f[3])
		from, err3 := strconv.ParseInt(f[4], 10, 64)
		to, err4 := strconv.ParseInt(f[5], 10, 64)
		if err := firstErr(err1, err2, err3, err4); err != nil || end < start || from < 0 || to < 0 {
			return nil, fmt.Errorf("contact plan line %d: malformed %q", line, sc.Text())
		}
		if f[1] == "contact" {
			rate, err := strconv.ParseInt(f[6], 10, 64)
			if err != nil || rate <= 0 || rate > 1e15 {
				return nil, fmt.Errorf("contact plan line %d: bad rate %q", line, f[6])
			}
			if len(p.Contacts) >= MaxContacts {
				return nil, fmt.Errorf("contact plan: more than %d contacts", MaxContacts)
			}
			p.Contacts = append(p.Contacts, Contact{StartUs: start, EndUs: end, From: from, To: to, RateBps: rate})
		} else {
			owlt, err := parseSecondsUs(f[6])
			if err != nil || owlt < 0 {
				return nil, fmt.Errorf("contact plan line %d: bad owlt %q", line, f[6])
			}
			p.Ranges = append(p.Ranges, Range{StartUs: start, EndUs: end, From: from, To: to, OWLTUs: owlt})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := p.finish(m); err != nil {
		return nil, err
	}
	return p, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// NewPlan builds a plan from contacts and ranges given in code.
func NewPlan(contacts []Contact, ranges []Range) *Plan {
	p := &Plan{Contacts: append([]Contact(nil), contacts...), Ranges: append([]Range(nil), ranges...)}
	_ = p.finish(nil) // unmetered: cannot fail
	return p
}

// finish sorts contacts canonically, attaches light times and indexes,
// charging sortSteps for the sort, then RangeSteps per range for each
// contact without a light time and IndexSteps per contact, before each.
func (p *Plan) finish(m *meter.Meter) error {
	if err := m.Charge(StagePlan, sortSteps(len(p.Contacts))); err != nil {
		return err
	}
	sort.SliceStable(p.Contacts, func(i, j int) bool {
		a, b := p.Contacts[i], p.Contacts[j]
		if a.StartUs != b.StartUs {
			return a.StartUs < b.StartUs
		}
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		if a.EndUs != b.EndUs {
			return a.EndUs < b.EndUs
		}
		return a.RateBps < b.RateBps
	})
	for i := range p.Contacts {
		c := &p.Contacts[i]
		if c.OWLTUs == 0 {
			if err := m.Charge(StagePlan, meter.Mul(uint64(len(p.Ranges)), RangeSteps)); err != nil {
				return err
			}
			c.OWLTUs = p.owlt(c.From, c.To, c.StartUs)
		}
	}
	if err := m.Charge(StagePlan, meter.Mul(uint64(len(p.Contacts)), IndexSteps)); err != nil {
		return err
	}
	p.byFrom = map[int64][]int{}
	for i, c := range p.Contacts {
		p.byFrom[c.From] = append(p.byFrom[c.From], i)
	}
	return nil
}

// owlt finds the range covering t for the pair (either direction, as ION
// treats ranges as symmetric); first match in file order wins.
func (p *Plan) owlt(a, b, t int64) int64 {
	for _, r := range p.Ranges {
		if ((r.From == a && r.To == b) || (r.From == b && r.To == a)) && r.StartUs <= t && t < r.EndUs {
			return r.OWLTUs
		}
	}
	return 0
}
