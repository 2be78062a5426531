// Package cli holds the off-chain "orbit" commands of the node binary.
package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novacron/novacron/x/orbit/engine"
	"github.com/novacron/novacron/x/orbit/engine/dtn"
	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/netgraph"
	"github.com/novacron/novacron/x/orbit/engine/planets"
	"github.com/novacron/novacron/x/orbit/engine/sgp4"
	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/engine/tle"
)

// NewOrbitCmd returns the "orbit" command group.
func NewOrbitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "orbit",
		Short: "Offline orbit engine tools: SGP4, constellation RTT, routes, handoffs, DTN, Mars light time",
	}
	cmd.AddCommand(sgp4Cmd(), rttCmd(), routeCmd(), handoffsCmd(), marsCmd(), dtnCmd())
	return cmd
}

func sgp4Cmd() *cobra.Command {
	var start, stop, step float64
	var grav string
	c := &cobra.Command{
		Use:   "sgp4 FILE.tle",
		Short: "Propagate TLEs in Vallado's verification format; prints tcppver.out layout",
		Long: `Reads two-line element sets (line 2 may carry start, stop and step minutes as
in SGP4-VER.TLE) and prints, per satellite, "<satnum> xx" then one line per
step: tsince x y z vx vy vz (TEME km, km/s) followed, after t=0, by the
classical elements and date exactly as Vallado's tcppver.out. Without the
extra columns --start/--stop/--step apply (default 0..1440 step 360; use
-1440 1440 10 for Vallado's catalogue mode). An SGP4 error prints
"# *** error: t:= <t> *** code = <n>" and the next satellite follows.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := gravity(grav)
			if err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			sets, err := tle.ParseFile(f, tle.Vallado)
			if err != nil {
				return err
			}
			w := bufio.NewWriter(cmd.OutOrStdout())
			defer w.Flush()
			for _, s := range sets {
				err := sgp4.WriteVerification(w, s, g, [3]float64{start, stop, step})
				var se *sgp4.Error
				if err != nil && !errors.As(err, &se) {
					return err
				}
			}
			return nil
		},
	}
	c.Flags().Float64Var(&start, "start", sgp4.DefaultRange[0], "start, minutes from epoch (when line 2 has no range)")
	c.Flags().Float64Var(&stop, "stop", sgp4.DefaultRange[1], "stop, minutes from epoch")
	c.Flags().Float64Var(&step, "step", sgp4.DefaultRange[2], "step, minutes")
	c.Flags().StringVar(&grav, "gravity", "wgs72", "gravity model: wgs72, wgs72old, wgs84")
	return c
}

func gravity(name string) (sgp4.Gravity, error) {
	switch strings.ToLower(name) {
	case "wgs72":
		return sgp4.WGS72, nil
	case "wgs72old":
		return sgp4.WGS72Old, nil
	case "wgs84":
		return sgp4.WGS84, nil
	}
	return sgp4.Gravity{}, fmt.Errorf("unknown gravity model %q", name)
}

// netFlags are shared by the constellation commands.
type netFlags struct {
	shell, gsFile, epoch string
}

func (f *netFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.shell, "shell", "kuiper-k1", "shell: starlink-s1, kuiper-k1, telesat-t1")
	c.Flags().StringVar(&f.gsFile, "ground-stations", "", "Hypatia ground-station file (default: embedded top-100 cities)")
	c.Flags().StringVar(&f.epoch, "epoch", "2000-01-01T00:00:00Z", "simulation start (RFC 3339, UTC)")
}

func (f *netFlags) stations() ([]geo.GroundStation, error) {
	if f.gsFile == "" {
		return engine.DefaultGroundStations(), nil
	}
	r, err := os.Open(f.gsFile)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return geo.ParseGroundStations(r)
}

func (f *netFlags) start() (int64, error) {
	t, err := time.Parse(time.RFC3339Nano, f.epoch)
	if err != nil {
		return 0, fmt.Errorf("--epoch: %w", err)
	}
	return t.UnixNano(), nil
}

// network builds the shell over the chosen stations; keep selects a subset
// (ids preserved by the caller's mapping) to save work.
func (f *netFlags) network(keep ...int) (*netgraph.Network, []geo.GroundStation, error) {
	sh, err := shell.ByName(f.shell)
	if err != nil {
		return nil, nil, err
	}
	gs, err := f.stations()
	if err != nil {
		return nil, nil, err
	}
	sub := gs
	if len(keep) > 0 {
		sub = nil
		for _, k := range keep {
			if k < 0 || k >= len(gs) {
				return nil, nil, fmt.Errorf("ground station %d out of range 0..%d", k, len(gs)-1)
			}
			sub = append(sub, gs[k])
		}
	}
	n, err := netgraph.NewNetwork(sh, sub)
	return n, gs, err
}

func rttCmd() *cobra.Command {
	var nf netFlags
	var from, to int
	var duration, step time.Duration
	c := &cobra.Command{
		Use:   "rtt --shell S --from GID --to GID",
		Short: "Print the RTT time series t_ns,rtt_ns between two ground stations (Hypatia trace format)",
		Long: `Shortest-path RTT over +Grid ISLs between two ground stations (ids are line
indices of the Hypatia ground-station file), sampled every --step for
--duration from --epoch. Shells are generated as Hypatia does. Lines are
"t_ns,rtt_ns" with t relative to --epoch; 0 means unreachable.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if step <= 0 || duration <= 0 || duration/step > 10_000_000 {
				return fmt.Errorf("bad --duration/--step")
			}
			t0, err := nf.start()
			if err != nil {
				return err
			}
			n, _, err := nf.network(from, to)
			if err != nil {
				return err
			}
			w := bufio.NewWriter(cmd.OutOrStdout())
			defer w.Flush()
			for t := int64(0); t < int64(duration); t += int64(step) {
				rtt := 0.0
				if from != to {
					if p, err := n.Snapshot(t0+t).Route(0, 1); err == nil {
						rtt = p.RTTNs
					}
				}
				fmt.Fprintf(w, "%d,%.10f\n", t, rtt)
			}
			return nil
		},
	}
	nf.add(c)
	c.Flags().IntVar(&from, "from", 0, "source ground-station id")
	c.Flags().IntVar(&to, "to", 1, "destination ground-station id")
	c.Flags().DurationVar(&duration, "duration", 200*time.Second, "duration")
	c.Flags().DurationVar(&step, "step", 100*time.Millisecond, "time step")
	_ = c.MarkFlagRequired("from")
	_ = c.MarkFlagRequired("to")
	return c
}

func routeCmd() *cobra.Command {
	var nf netFlags
	var from, to int
	var at time.Duration
	c := &cobra.Command{
		Use:   "route --shell S --from GID --to GID [--at 10s]",
		Short: "Print the shortest path, one-way and round-trip latency, and the fibre comparison",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			t0, err := nf.start()
			if err != nil {
				return err
			}
			n, gs, err := nf.network()
			if err != nil {
				return err
			}
			if from < 0 || to < 0 || from >= len(gs) || to >= len(gs) {
				return fmt.Errorf("ground station out of range")
			}
			p, err := engine.Route(n, t0+int64(at), from, to)
			out := cmd.OutOrStdout()
			if err != nil {
				fmt.Fprintf(out, "unreachable: %v\n", err)
			} else {
				parts := make([]string, len(p.Nodes))
				for i, v := range p.Nodes {
					parts[i] = fmt.Sprint(v)
				}
				fmt.Fprintf(out, "path %s\nlength_km %.3f\none_way_us %d\nrtt_us %d\n",
					strings.Join(parts, "-"), float64(p.LengthMM)/1e6, p.OneWayUs, p.RTTUs)
			}
			fmt.Fprintf(out, "fibre_rtt_us %d (%s - %s, great circle at c/1.47)\n",
				engine.FibreRTTUs(gs[from], gs[to]), gs[from].Name, gs[to].Name)
			return nil
		},
	}
	nf.add(c)
	c.Flags().IntVar(&from, "from", 0, "source ground-station id")
	c.Flags().IntVar(&to, "to", 1, "destination ground-station id")
	c.Flags().DurationVar(&at, "at", 0, "offset from --epoch")
	return c
}

func handoffsCmd() *cobra.Command {
	var nf netFlags
	var gs int
	var duration, step time.Duration
	c := &cobra.Command{
		Use:   "handoffs --shell S --gs GID",
		Short: "List serving-satellite changes (nearest satellite in range) for a ground station",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			t0, err := nf.start()
			if err != nil {
				return err
			}
			n, _, err := nf.network(gs)
			if err != nil {
				return err
			}
			if step <= 0 {
				return fmt.Errorf("bad --step")
			}
			serving, ev, err := n.Handoffs(0, t0, t0+int64(duration), int64(step))
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "# t_ns,from_sat,to_sat,distance_km (initial serving satellite %d)\n", serving[0])
			for _, e := range ev {
				fmt.Fprintf(out, "%d,%d,%d,%.3f\n", e.UnixNano-t0, e.From, e.To, e.DistanceKm)
			}
			return nil
		},
	}
	nf.add(c)
	c.Flags().IntVar(&gs, "gs", 0, "ground-station id")
	c.Flags().DurationVar(&duration, "duration", 10*time.Minute, "window")
	c.Flags().DurationVar(&step, "step", time.Second, "sampling step")
	return c
}

func marsCmd() *cobra.Command {
	var from, to string
	var step time.Duration
	c := &cobra.Command{
		Use:   "mars [--from 2000-01-01 --to 2050-01-01 --step 24h]",
		Short: "Earth-Mars one-way light time from JPL's approximate Keplerian elements (Table 1)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := parseDate(from)
			if err != nil {
				return err
			}
			b, err := parseDate(to)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if b <= a || step <= 0 {
				s := planets.EarthMarsLightTimeSeconds(a)
				fmt.Fprintf(out, "%s light_time_s %.3f (%.3f min) distance_km %.0f\n",
					time.Unix(0, a).UTC().Format(time.RFC3339), s, s/60, planets.EarthMarsDistanceKm(a))
				return nil
			}
			lo, hi := 1e18, 0.0
			var loAt, hiAt int64
			for t := a; t <= b; t += int64(step) {
				s := planets.EarthMarsLightTimeSeconds(t)
				if s < lo {
					lo, loAt = s, t
				}
				if s > hi {
					hi, hiAt = s, t
				}
			}
			fmt.Fprintf(out, "min %.3f min on %s\nmax %.3f min on %s\n",
				lo/60, time.Unix(0, loAt).UTC().Format("2006-01-02"), hi/60, time.Unix(0, hiAt).UTC().Format("2006-01-02"))
			return nil
		},
	}
	c.Flags().StringVar(&from, "from", "2000-01-01", "date (YYYY-MM-DD or RFC 3339); alone: single instant")
	c.Flags().StringVar(&to, "to", "", "end date for a min/max scan")
	c.Flags().DurationVar(&step, "step", 24*time.Hour, "scan step")
	return c
}

func parseDate(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixNano(), nil
		}
	}
	return 0, fmt.Errorf("bad date %q", s)
}

func dtnCmd() *cobra.Command {
	var from, to, size int64
	var at, expiry float64
	c := &cobra.Command{
		Use:   "dtn PLAN --from NODE --to NODE [--size BYTES --at S --expiry S]",
		Short: "Contact graph routing (earliest arrival) over an ION contact plan",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			p, err := dtn.ParsePlan(f)
			if err != nil {
				return err
			}
			return printRoute(cmd.OutOrStdout(), p, from, to, size, int64(at*1e6), int64(expiry*1e6))
		},
	}
	c.Flags().Int64Var(&from, "from", 1, "source node")
	c.Flags().Int64Var(&to, "to", 2, "destination node")
	c.Flags().Int64Var(&size, "size", 1000, "bundle size, bytes")
	c.Flags().Float64Var(&at, "at", 0, "creation time, seconds")
	c.Flags().Float64Var(&expiry, "expiry", 86400, "absolute expiry, seconds")
	return c
}

func printRoute(w io.Writer, p *dtn.Plan, from, to, size, at, exp int64) error {
	r, err := p.CGR(from, to, size, at, exp)
	if err != nil {
		fmt.Fprintln(w, "no route before expiry")
		return nil
	}
	for _, i := range r.Contacts {
		c := p.Contacts[i]
		fmt.Fprintf(w, "contact %d: %d -> %d [%.6f, %.6f] s rate %d B/s owlt %.6f s\n",
			i, c.From, c.To, float64(c.StartUs)/1e6, float64(c.EndUs)/1e6, c.RateBps, float64(c.OWLTUs)/1e6)
	}
	fmt.Fprintf(w, "arrival %.6f s\n", float64(r.ArrivalUs)/1e6)
	return nil
}
