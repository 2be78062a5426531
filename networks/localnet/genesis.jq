# Genesis overrides for the local network: short governance periods, small deposits, unova everywhere.
.app_state.gov.params.voting_period = "20s"
| .app_state.gov.params.expedited_voting_period = "10s"
| .app_state.gov.params.max_deposit_period = "60s"
| .app_state.gov.params.min_deposit = [{"denom": "unova", "amount": "1000000"}]
| .app_state.gov.params.expedited_min_deposit = [{"denom": "unova", "amount": "5000000"}]
| .app_state.staking.params.bond_denom = "unova"
| .app_state.staking.params.unbonding_time = "60s"
| .app_state.slashing.params.signed_blocks_window = "100"
| .app_state.slashing.params.downtime_jail_duration = "60s"
| .consensus.params.abci.vote_extensions_enable_height = "2"
| .consensus.params.block.max_gas = "50000000"
| .app_state.vmlifecycle.params.host_operators = $hostops
