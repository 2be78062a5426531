// Command artifactscli is the `artifacts` command tree on its own, for
// benchmarks and manual testing before it is wired into novacrond.
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
