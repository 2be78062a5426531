// Package simulation has the x/orbit parts of the SDK simulation: a randomized genesis of
// small constellations and a few regions, a store decoder and weighted operations over the
// module's messages, which are all governance-only and so are delivered with the governance
// authority as signer, as a passed proposal executes them (after x/vmlifecycle/simulation).
package simulation

import (
	"fmt"
	"math/rand" // determinism-ok: SDK simulation only (its API takes *math/rand.Rand), never in consensus
	"slices"
	"sync"

	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/types"
)

// orbits are circular orbits the random shells use: altitude and the matching mean motion.
var orbits = []struct{ altitudeKm, revPerDay float64 }{
	{550, 15.19}, {630, 14.80}, {700, 14.50}, {1015, 13.66}, {1200, 13.10},
}

// RandomShell is a small Walker shell: 3..8 planes of 3..8 satellites, so that the network and
// a snapshot over it take milliseconds, at one of a few altitudes, with a random inclination,
// phasing and ground-link cone.
func RandomShell(r *rand.Rand, name string) shell.Shell {
	o := orbits[r.Intn(len(orbits))]
	s := shell.Shell{Name: name, Planes: 3 + r.Intn(6), SatsPerPlane: 3 + r.Intn(6),
		InclinationDeg: float64(30 + r.Intn(70)), MeanMotionRevDay: o.revPerDay, AltitudeKm: o.altitudeKm,
		Eccentricity: 1e-7, PhaseDiff: r.Intn(2) == 0, MinElevationDeg: float64(10 + r.Intn(30))}
	if r.Intn(4) == 0 {
		s.ConeRadiusKm = float64(800 + r.Intn(1200))
	}
	return s
}

// RandomConstellation is a RandomShell, one time in four registered as a TLE set of its own
// TLEs (with or without its +Grid layout).
func RandomConstellation(r *rand.Rand, name string) (types.Constellation, error) {
	s := RandomShell(r, name)
	if r.Intn(4) != 0 {
		return types.ConstellationFromShell(s), nil
	}
	c, err := TLESetFromShell(name, s)
	if err == nil && r.Intn(3) == 0 {
		c.Planes, c.SatsPerPlane = 0, 0 // no ISLs: ground - satellite - ground paths only
	}
	return c, err
}

// TLESetFromShell is a shell registered as a TLE set under another name: the shell's
// generated TLEs as tle_lines, its plane layout for +Grid ISLs and its altitude, elevation
// and cone for the link limits. Its network equals the shell's bit for bit.
func TLESetFromShell(name string, sh shell.Shell) (types.Constellation, error) {
	tles, err := sh.TLEs()
	if err != nil {
		return types.Constellation{}, types.ErrInvalidConstellation.Wrapf("%s: %s", sh.Name, err)
	}
	c := types.ConstellationFromShell(sh)
	return types.Constellation{Name: name, Planes: c.Planes, SatsPerPlane: c.SatsPerPlane,
		AltitudeM: c.AltitudeM, MinElevationMicrodeg: c.MinElevationMicrodeg, ConeRadiusM: c.ConeRadiusM,
		TleLines: types.TLELinesFromTLEs(tles)}, nil
}

// cities are the regions of the default genesis (Hypatia's top 100 cities), in list order.
var cities = sync.OnceValue(func() []types.Region { return types.DefaultGenesis().Regions })

// RandomRegion is a city of the default list (nine times in ten) or a random place.
func RandomRegion(r *rand.Rand) types.Region {
	if r.Intn(10) != 0 {
		c := cities()
		return c[r.Intn(len(c))]
	}
	return types.Region{Code: fmt.Sprintf("sim-%d", r.Intn(1000)), LatMicrodeg: int64(r.Intn(170_000_001)) - 85_000_000,
		LonMicrodeg: int64(r.Intn(360_000_001)) - 180_000_000, ElevationM: int64(r.Intn(3000))}
}

// MaxSimRegions bounds the regions the random params allow, which keeps every snapshot small.
const MaxSimRegions = 40

// RandomParams draws params over the registered constellations (active: one of them, or none
// one time in six) and regions: a snapshot every 1..5 blocks, room for a few more regions (up
// to MaxSimRegions), and one time in six a max_snapshot_cost too low for any snapshot here,
// so that EndBlock's failure path runs too.
func RandomParams(r *rand.Rand, constellations []string, regions int) types.Params {
	p := types.DefaultParams()
	p.SnapshotIntervalBlocks = uint32(1 + r.Intn(5))
	p.ActiveConstellation = ""
	if len(constellations) > 0 && r.Intn(6) != 0 {
		p.ActiveConstellation = constellations[r.Intn(len(constellations))]
	}
	p.MaxRegions = uint32(max(regions, 2))
	if regions < MaxSimRegions {
		p.MaxRegions += uint32(r.Intn(MaxSimRegions - regions + 1))
	}
	p.CostUnitsPerGas = uint64(1 + r.Intn(20))
	if r.Intn(6) == 0 {
		p.MaxSnapshotCost = uint64(1 + r.Intn(1000))
	}
	return p
}

// RandomizedGenState generates a random GenesisState for x/orbit: 1..4 small constellations,
// 2..12 regions (without duplicates, in random order) and RandomParams over them. Params given
// in the app params ("orbit_params") are used as they are, except that an active constellation
// the random genesis does not have is cleared and regions beyond max_regions are left out.
func RandomizedGenState(simState *module.SimulationState) {
	r := simState.Rand
	gs := &types.GenesisState{}
	var names []string
	for i, n := 0, 1+r.Intn(4); i < n; i++ {
		name := fmt.Sprintf("sim-shell-%d", i)
		c, err := RandomConstellation(r, name)
		if err != nil {
			panic(err)
		}
		gs.Constellations = append(gs.Constellations, c)
		names = append(names, name)
	}
	seen := map[string]bool{}
	for n := 2 + r.Intn(11); len(gs.Regions) < n; {
		if reg := RandomRegion(r); !seen[reg.Code] {
			seen[reg.Code] = true
			gs.Regions = append(gs.Regions, reg)
		}
	}
	simState.AppParams.GetOrGenerate("orbit_params", &gs.Params, r, func(r *rand.Rand) {
		gs.Params = RandomParams(r, names, len(gs.Regions))
	})
	if a := gs.Params.ActiveConstellation; a != "" && !slices.Contains(names, a) {
		gs.Params.ActiveConstellation = ""
	}
	if len(gs.Regions) > int(gs.Params.MaxRegions) {
		gs.Regions = gs.Regions[:gs.Params.MaxRegions]
	}
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}
