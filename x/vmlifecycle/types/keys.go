package types

import "cosmossdk.io/collections"

const (
	ModuleName = "vmlifecycle"
	StoreKey   = ModuleName
)

// Collection prefixes; never renumber.
var (
	ParamsKey       = collections.NewPrefix(0)
	HostsKey        = collections.NewPrefix(1)
	HostIndexKey    = collections.NewPrefix(2)
	HostsByOperKey  = collections.NewPrefix(3)
	RegionHostsKey  = collections.NewPrefix(4)
	NextVMIDKey     = collections.NewPrefix(5)
	VMsKey          = collections.NewPrefix(6)
	VMByNameKey     = collections.NewPrefix(7)
	VMsByOwnerKey   = collections.NewPrefix(8)
	VMsByHostKey    = collections.NewPrefix(9)
	GroupOnHostKey  = collections.NewPrefix(10)
	OwnerOnHostKey  = collections.NewPrefix(11)
	AuditSeqKey     = collections.NewPrefix(12)
	AuditKey        = collections.NewPrefix(13)
	AuditByVMKey    = collections.NewPrefix(14)
	AuditByHostKey  = collections.NewPrefix(15)
	ExplanationsKey = collections.NewPrefix(16)
	DrainQueueKey   = collections.NewPrefix(17)
	DrainCursorKey  = collections.NewPrefix(18)
	PendingQueueKey = collections.NewPrefix(19)

	// governance of operations
	PoliciesKey       = collections.NewPrefix(20)
	NextOpIDKey       = collections.NewPrefix(21)
	OpsKey            = collections.NewPrefix(22)
	OpsByVMKey        = collections.NewPrefix(23)
	OpsByStatusKey    = collections.NewPrefix(24)
	OpDeadlineHKey    = collections.NewPrefix(25)
	OpDeadlineTKey    = collections.NewPrefix(26)
	OpQueueHKey       = collections.NewPrefix(27)
	OpQueueTKey       = collections.NewPrefix(28)
	NextRuleIDKey     = collections.NewPrefix(29)
	RulesKey          = collections.NewPrefix(30)
	RulesByOwnerKey   = collections.NewPrefix(31)
	RulesByVMStateKey = collections.NewPrefix(32)
	RulesByHostKey    = collections.NewPrefix(33)
	RulesByHeightKey  = collections.NewPrefix(34)
	NextRuleEventKey  = collections.NewPrefix(35)
	RuleEventsKey     = collections.NewPrefix(36)
	OpsByFinishKey    = collections.NewPrefix(37)

	// host-operator allowlist enforcement (rebuilt from hosts and params by InitGenesis)
	ActiveHostsByOperKey = collections.NewPrefix(38)
	RevokedOperatorsKey  = collections.NewPrefix(39)
	RulesByIncidentKey   = collections.NewPrefix(40) // (vm id, rule id) of INCIDENT rules
)

// Scopes of the host placement index (HostIndex keys are (scope, free cpu_millis, host id)).
// Every ACTIVE host is indexed under: the global scope "", "r:<region>", and for each label
// "l:<k>=<v>" and "rl:<region>|<k>=<v>"; hosts with GPUs also under "g:" and "gr:<region>".
func ScopeGlobal() string              { return "" }
func ScopeRegion(region string) string { return "r:" + region }
func ScopeLabel(l Label) string        { return "l:" + l.Key + "=" + l.Value }
func ScopeRegionLabel(region string, l Label) string {
	return "rl:" + region + "|" + l.Key + "=" + l.Value
}
func ScopeGPU() string                    { return "g:" }
func ScopeRegionGPU(region string) string { return "gr:" + region }

// HostScopes lists the index scopes of a host, in a fixed order.
func HostScopes(h Host) []string {
	s := []string{ScopeGlobal(), ScopeRegion(h.Region)}
	if h.Capacity.Gpus > 0 {
		s = append(s, ScopeGPU(), ScopeRegionGPU(h.Region))
	}
	for _, l := range h.Labels {
		s = append(s, ScopeLabel(l), ScopeRegionLabel(h.Region, l))
	}
	return s
}
