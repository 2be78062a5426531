package types

import (
	"github.com/novacron/novacron/x/orbit/engine"
	"github.com/novacron/novacron/x/orbit/engine/shell"
)

// DefaultParams: a snapshot every 10 blocks over Starlink S1 and up to 200 regions.
func DefaultParams() Params {
	return Params{
		SnapshotIntervalBlocks: 10,
		ActiveConstellation:    shell.StarlinkS1.Name,
		MaxRegions:             200,
		CostUnitsPerGas:        10,
		// Starlink S1 + 100 regions is ~3.1e6 units (~25 ms); allow 4x that.
		MaxSnapshotCost: 15_000_000,
	}
}

// Validate checks params ranges.
func (p Params) Validate() error {
	switch {
	case p.SnapshotIntervalBlocks == 0:
		return ErrInvalidParams.Wrap("snapshot_interval_blocks must be positive")
	case p.MaxRegions < 2 || p.MaxRegions > 1000:
		return ErrInvalidParams.Wrapf("max_regions %d: must be 2..1000", p.MaxRegions)
	case p.CostUnitsPerGas == 0:
		return ErrInvalidParams.Wrap("cost_units_per_gas must be positive")
	case p.MaxSnapshotCost == 0:
		return ErrInvalidParams.Wrap("max_snapshot_cost must be positive")
	}
	return nil
}

// DefaultGenesis has Hypatia's three shells and its top-100 cities as regions.
func DefaultGenesis() *GenesisState {
	return &GenesisState{
		Params: DefaultParams(),
		Constellations: []Constellation{
			ConstellationFromShell(shell.StarlinkS1), ConstellationFromShell(shell.KuiperK1), ConstellationFromShell(shell.TelesatT1),
		},
		Regions: RegionsFromStations(engine.DefaultGroundStations()),
	}
}

// Validate checks every entry, uniqueness, and that the active constellation exists.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	names := map[string]bool{}
	for _, c := range gs.Constellations {
		if err := c.Validate(); err != nil {
			return err
		}
		if names[c.Name] {
			return ErrInvalidGenesis.Wrapf("duplicate constellation %s", c.Name)
		}
		names[c.Name] = true
	}
	if gs.Params.ActiveConstellation != "" && !names[gs.Params.ActiveConstellation] {
		return ErrInvalidGenesis.Wrapf("active constellation %q is not registered", gs.Params.ActiveConstellation)
	}
	if len(gs.Regions) > int(gs.Params.MaxRegions) {
		return ErrInvalidGenesis.Wrapf("%d regions > max_regions %d", len(gs.Regions), gs.Params.MaxRegions)
	}
	codes := map[string]bool{}
	for _, r := range gs.Regions {
		if err := r.Validate(); err != nil {
			return err
		}
		if codes[r.Code] {
			return ErrInvalidGenesis.Wrapf("duplicate region %s", r.Code)
		}
		codes[r.Code] = true
	}
	return nil
}
