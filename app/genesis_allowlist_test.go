package app_test

import (
	"encoding/json"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	vstypes "github.com/novacron/novacron/x/validatorset/types"
)

// An exported staking genesis is loaded without the allowlist hooks; InitChain cross-checks it
// against x/validatorset's genesis and refuses to start with a bonded validator that is not
// allowlisted, naming it. The unmodified export starts.
func TestInitChainRejectsUnlistedExportedValidator(t *testing.T) {
	n := newNetwork(t)
	c, _ := startChain(t, n.genesis(t, newApp(t)), 1, consensusParams(), validatorUpdates(n.valSet))
	c.block(time.Second)
	exp, err := c.app.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	var vals []*cmttypes.Validator
	for _, v := range exp.Validators {
		vals = append(vals, cmttypes.NewValidator(v.PubKey, v.Power))
	}
	importVals := validatorUpdates(cmttypes.NewValidatorSet(vals))
	initChain := func(appState []byte) error {
		_, err := newApp(t).InitChain(&abci.RequestInitChain{
			ChainId: chainID, Time: c.time, AppStateBytes: appState, ConsensusParams: &exp.ConsensusParams,
			InitialHeight: exp.Height, Validators: importVals,
		})
		return err
	}
	require.NoError(t, initChain(exp.AppState))

	var state map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exp.AppState, &state))
	cdc := c.app.AppCodec()
	state[vstypes.ModuleName] = cdc.MustMarshalJSON(&vstypes.GenesisState{Operators: []vstypes.AllowedOperator{
		{OperatorAddress: n.val1, Note: "genesis validator 1"},
	}})
	bz, err := json.Marshal(state)
	require.NoError(t, err)
	err = initChain(bz)
	require.ErrorIs(t, err, vstypes.ErrNotAllowlisted)
	require.ErrorContains(t, err, "genesis: validator "+n.val2+" ")
}
