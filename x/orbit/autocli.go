package orbit

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions gives every query and the governance Msgs a command.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	pos := func(fields ...string) []*autocliv1.PositionalArgDescriptor {
		out := make([]*autocliv1.PositionalArgDescriptor, len(fields))
		for i, f := range fields {
			out[i] = &autocliv1.PositionalArgDescriptor{ProtoField: f}
		}
		return out
	}
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "novacron.orbit.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show x/orbit params"},
				{RpcMethod: "Constellations", Use: "constellations", Short: "List registered constellations as summaries (kind, counts, TLE epoch range); --full for the whole objects with TLE lines"},
				{RpcMethod: "Constellation", Use: "constellation [name]", Short: "Show one constellation in full (a TLE set with its lines)", PositionalArgs: pos("name")},
				{RpcMethod: "Regions", Use: "regions", Short: "List registered regions (ground stations)"},
				{RpcMethod: "LatencyMatrix", Use: "latency-matrix", Short: "Show the stored region RTT matrix (microseconds)"},
				{RpcMethod: "Route", Use: "route [from-region] [to-region]", Short: "Path and latency between two regions at the block time (or --unix-nano)", PositionalArgs: pos("from", "to")},
				{RpcMethod: "SatellitePosition", Use: "satellite [constellation] [index]", Short: "TEME position (mm) and velocity (mm/s) of a satellite", PositionalArgs: pos("constellation", "index")},
				{RpcMethod: "NextHandoff", Use: "next-handoff [region]", Short: "When the satellite serving a region changes next", PositionalArgs: pos("region")},
				{RpcMethod: "DtnRoute", Use: "dtn-route [contact-plan] [from-node] [to-node] [bundle-bytes] [start-us] [expiry-us]", Short: "Contact graph route of a bundle over an ION contact plan (text)", PositionalArgs: pos("contact_plan", "from_node", "to_node", "bundle_bytes", "start_us", "expiry_us")},
				{RpcMethod: "MarsLightTime", Use: "mars-light-time", Short: "Earth-Mars one-way light time at the block time (or --unix-nano)"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              "novacron.orbit.v1.Msg",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "RegisterConstellation", Use: "register-constellation [constellation-json]", Short: "Register a Walker shell or a TLE set (JSON Constellation; governance proposal). For a TLE file see register-tle-constellation", PositionalArgs: pos("constellation"), GovProposal: true},
				{RpcMethod: "RemoveConstellation", Use: "remove-constellation [name]", Short: "Remove a constellation (governance proposal)", PositionalArgs: pos("name"), GovProposal: true},
				{RpcMethod: "RegisterRegion", Use: "register-region [region-json]", Short: "Register a region (governance proposal)", PositionalArgs: pos("region"), GovProposal: true},
				{RpcMethod: "RemoveRegion", Use: "remove-region [code]", Short: "Remove a region (governance proposal)", PositionalArgs: pos("code"), GovProposal: true},
				{RpcMethod: "UpdateParams", Use: "update-params [params-json]", Short: "Change params (governance proposal)", PositionalArgs: pos("params"), GovProposal: true},
			},
		},
	}
}
