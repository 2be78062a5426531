module github.com/novacron/novacron

go 1.26.8

require (
	github.com/cosmos/cosmos-sdk v0.54.4 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/cobra v1.10.2 // indirect
	github.com/spf13/pflag v1.0.10 // indirect
	github.com/stretchr/testify v1.11.1 // indirect
)
