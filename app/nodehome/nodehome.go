// Package nodehome is the default node home directory, in a package of its own so the light
// `novacrond` binary (cmd/novacrond) shares it with the node (package app) without linking the app.
package nodehome

import (
	"os"
	"path/filepath"
)

// Default is where `novacrond` keeps config and data unless --home says otherwise:
// $HOME/.novacron, or ./.novacron when the home directory is unknown.
func Default() string {
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	return filepath.Join(home, ".novacron")
}
