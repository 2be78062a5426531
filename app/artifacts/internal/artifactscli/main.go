// Command artifactscli is the `artifacts` command tree on its own, for manual
// testing. It is not what users run, so benchmarks do not use it:
// scripts/bench-artifacts.sh measures `novacrond artifacts` (build/novacrond).
package main

import (
	"os"

	"github.com/novacron/novacron/app/artifacts/cli"
)

func main() {
	cmd := cli.NewArtifactsCmd()
	cmd.Use = "artifactscli"
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
