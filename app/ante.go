package app

import (
	"errors"

	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"

	quantumjobkeeper "github.com/novacron/novacron/x/quantumjob/keeper"
	validatorsetante "github.com/novacron/novacron/x/validatorset/ante"
)

// setAnteHandler chains the validator allowlist check (first: a rejected staking message
// costs no signature verification), the SDK's standard decorators (signatures, fees, gas
// limit), and then the quantum job pre-check: engine work only ever runs for a signed
// transaction whose fee is paid, under the gas it set and max_check_steps.
func (app *App) setAnteHandler(txConfig client.TxConfig) {
	std, err := ante.NewAnteHandler(ante.HandlerOptions{
		AccountKeeper:   app.AccountKeeper,
		BankKeeper:      app.BankKeeper,
		FeegrantKeeper:  app.FeeGrantKeeper,
		SignModeHandler: txConfig.SignModeHandler(),
		SigGasConsumer:  ante.DefaultSigVerificationGasConsumer,
	})
	if err != nil {
		panic(err)
	}
	allow := validatorsetante.NewAllowlistDecorator(app.ValidatorSetKeeper, app.ValidatorSetKeeper.ValidatorAddressCodec())
	jobs := quantumjobkeeper.NewCheckTxDecorator(app.QuantumJobKeeper)
	app.SetAnteHandler(sdk.ChainAnteDecorators(allow, anteHandlerDecorator{std}, jobs))
}

// anteHandlerDecorator adapts a complete AnteHandler to the decorator chain.
type anteHandlerDecorator struct{ h sdk.AnteHandler }

func (d anteHandlerDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if d.h == nil {
		return ctx, errors.New("ante handler not set")
	}
	newCtx, err := d.h(ctx, tx, simulate)
	if err != nil {
		return newCtx, err
	}
	return next(newCtx, tx, simulate)
}
