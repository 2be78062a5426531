package validatorset_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/validatorset"
	vstestutil "github.com/novacron/novacron/x/validatorset/testutil"
	"github.com/novacron/novacron/x/validatorset/types"
)

// TestValidateGenesisJSON covers what `novacrond genesis validate` runs: the module's
// ValidateGenesis on the raw JSON section, with the operator address codec wired in.
func TestValidateGenesisJSON(t *testing.T) {
	f := vstestutil.NewFixture(t)
	am := validatorset.NewAppModule(f.Cdc, f.Keeper)

	def := am.DefaultGenesis(f.Cdc)
	require.NoError(t, am.ValidateGenesis(f.Cdc, nil, def))
	require.JSONEq(t, `{"operators":[]}`, string(def))

	good := json.RawMessage(`{"operators":[{"operator_address":"` + vstestutil.ValStr(1) + `","note":"n","added_height":"0"}]}`)
	require.NoError(t, am.ValidateGenesis(f.Cdc, nil, good))

	bad := json.RawMessage(`{"operators":[{"operator_address":"` + vstestutil.AccStr(1) + `"}]}`)
	require.ErrorIs(t, am.ValidateGenesis(f.Cdc, nil, bad), types.ErrInvalidGenesis)

	require.ErrorContains(t, am.ValidateGenesis(f.Cdc, nil, json.RawMessage(`{"operators":5}`)), "failed to unmarshal validatorset genesis")

	// InitGenesis/ExportGenesis through the module round-trip the JSON.
	am.InitGenesis(f.Ctx, f.Cdc, good)
	require.JSONEq(t, string(good), string(am.ExportGenesis(f.Ctx, f.Cdc)))
}
