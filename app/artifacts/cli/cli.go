// Package cli is `novacrond artifacts`: a thin client of the running node's
// local artifact API (see package artifacts), plus offline `add --only-hash`
// and `id --offline`.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/ipfs/go-cid"
	toml "github.com/pelletier/go-toml/v2"
	"github.com/spf13/cobra"

	"github.com/novacron/novacron/app/artifacts"
	"github.com/novacron/novacron/cidcalc"
)

// DefaultNodeHome is the --home default; the node binary sets it to its own
// default home before building the command tree.
var DefaultNodeHome = os.ExpandEnv("$HOME/.novacrond")

// Flag names.
const (
	flagAPI        = "api"
	flagHome       = "home"
	flagCIDVersion = "cid-version"
	flagOnlyHash   = "only-hash"
	flagPin        = "pin"
	flagProfile    = "profile"
	flagOutput     = "output"
	flagOffline    = "offline"
	flagProgress   = "progress"
)

// APIEnv overrides the API address (below --api, above app.toml).
const APIEnv = "NOVACRON_ARTIFACTS_API"

// NewArtifactsCmd returns the `artifacts` command tree.
func NewArtifactsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "artifacts",
		Short: "Store and fetch IPFS artifacts (VM images, quantum outputs, ephemerides) on this node",
		Long: `Artifacts are files addressed by their IPFS CID; the chain stores only CIDs.
These commands talk to the running node's artifact service through its local
API ([artifacts] api-addr in app.toml, or --api). CIDs are identical to
kubo's "ipfs add" (CIDv0 by default, --cid-version 1 for raw leaves).`,
		SilenceUsage: true,
	}
	cmd.PersistentFlags().String(flagAPI, "", "artifact API address host:port (default: $"+APIEnv+", then [artifacts] api-addr from <home>/config/app.toml, then "+artifacts.DefaultAPIAddr+")")
	cmd.PersistentFlags().String(flagHome, DefaultNodeHome, "node home directory")
	cmd.AddCommand(addCmd(), getCmd(), catCmd(), lsCmd(), pinCmd(), unpinCmd(), gcCmd(), statCmd(), peersCmd(), idCmd())
	return cmd
}

// nodeConfig reads the [artifacts] section of <home>/config/app.toml, if any.
func nodeConfig(cmd *cobra.Command) (artifacts.Config, string, error) {
	home, _ := cmd.Flags().GetString(flagHome)
	cfg := artifacts.DefaultConfig()
	raw, err := os.ReadFile(filepath.Join(home, "config", "app.toml"))
	if errors.Is(err, os.ErrNotExist) {
		return cfg, home, nil
	}
	if err != nil {
		return cfg, home, err
	}
	var file struct {
		Artifacts struct {
			APIAddr     *string  `toml:"api-addr"`
			DataDir     *string  `toml:"data-dir"`
			ListenAddrs []string `toml:"listen-addrs"`
		} `toml:"artifacts"`
	}
	if err := toml.Unmarshal(raw, &file); err != nil {
		return cfg, home, fmt.Errorf("%s: %w", filepath.Join(home, "config", "app.toml"), err)
	}
	if a := file.Artifacts; a.APIAddr != nil {
		cfg.APIAddr = *a.APIAddr
	}
	if a := file.Artifacts; a.DataDir != nil {
		cfg.DataDir = *a.DataDir
	}
	if a := file.Artifacts; a.ListenAddrs != nil {
		cfg.ListenAddrs = a.ListenAddrs
	}
	return cfg, home, nil
}

func client(cmd *cobra.Command) (*artifacts.Client, error) {
	if addr, _ := cmd.Flags().GetString(flagAPI); addr != "" {
		return artifacts.NewClient(addr), nil
	}
	if addr := os.Getenv(APIEnv); addr != "" {
		return artifacts.NewClient(addr), nil
	}
	cfg, _, err := nodeConfig(cmd)
	if err != nil {
		return nil, err
	}
	if cfg.APIAddr == "" {
		return nil, errors.New("the node's artifact API is disabled ([artifacts] api-addr is empty); pass --api")
	}
	return artifacts.NewClient(cfg.APIAddr), nil
}

// ctx cancels on Ctrl-C so an interrupted transfer stops cleanly.
func ctx(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	parent := cmd.Context()
	if parent == nil {
		parent = context.Background()
	}
	return signal.NotifyContext(parent, os.Interrupt)
}

func parseCID(s string) (cid.Cid, error) { return cidcalc.Parse(s) }

func addCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add <file|->",
		Short: "Import a file (or stdin) and print its CID, as `ipfs add -Q`",
		Long: `Import a file, or standard input with "-", into the node's artifact store and
print only its CID on stdout. With --only-hash the CID is computed locally,
without the node, exactly as the chain's keepers compute it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, cancel := ctx(cmd)
			defer cancel()
			version, _ := cmd.Flags().GetInt(flagCIDVersion)
			onlyHash, _ := cmd.Flags().GetBool(flagOnlyHash)
			pin, _ := cmd.Flags().GetBool(flagPin)
			profileName, _ := cmd.Flags().GetString(flagProfile)
			opts := artifacts.AddOptions{CIDVersion: version, Pin: pin, Profile: profileName}
			var (
				profile cidcalc.Profile
				err     error
			)
			if profileName != "" {
				profile, err = cidcalc.ProfileByName(profileName)
			} else {
				profile, err = cidcalc.ProfileForVersion(version)
			}
			if err != nil {
				return err
			}

			in, size, name, err := openInput(cmd, args[0])
			if err != nil {
				return err
			}
			defer in.Close()
			bar := newProgress(cmd, size, "adding "+name)

			var out string
			if onlyHash {
				// The parallel in-place hasher (onlyhash.go), not cidcalc.Compute:
				// same CID, a fraction of the time and memory. Given the *os.File
				// itself (also for "-" redirected from a file) so it can pread.
				src := io.Reader(in)
				if u, ok := in.(interface{ Unwrap() io.Reader }); ok {
					src = u.Unwrap()
				}
				id, err := hashOnly(src, profile, bar.add)
				if err != nil {
					bar.abort()
					return fmt.Errorf("hash %s: %w", name, err)
				}
				out = id.String()
			} else {
				ra := newReadAhead(in, 1<<20, 4)
				defer ra.Close()
				r := bar.wrap(ra)
				cl, err := client(cmd)
				if err != nil {
					return err
				}
				res, err := cl.Add(c, r, opts)
				if err != nil {
					bar.abort()
					return fmt.Errorf("add %s: %w", name, err)
				}
				out = res.CID
			}
			bar.done()
			_, err = fmt.Fprintln(cmd.OutOrStdout(), out)
			return err
		},
	}
	cmd.Flags().Int(flagCIDVersion, 0, "CID version: 0 (kubo default) or 1 (raw leaves)")
	cmd.Flags().Bool(flagOnlyHash, false, "only compute the CID locally; store nothing, no node needed")
	cmd.Flags().Bool(flagPin, true, "pin the artifact so gc keeps it (kubo's default)")
	cmd.Flags().String(flagProfile, "", "UnixFS profile instead of --cid-version: kubo-v0, kubo-v1, unixfs-v1-2025")
	cmd.Flags().Bool(flagProgress, true, "show a progress bar when stderr is a terminal")
	return cmd
}

func openInput(cmd *cobra.Command, arg string) (io.ReadCloser, int64, string, error) {
	if arg == "-" {
		return stdinCloser{cmd.InOrStdin()}, -1, "stdin", nil
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, 0, "", err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, "", err
	}
	if fi.IsDir() {
		f.Close()
		return nil, 0, "", fmt.Errorf("%s is a directory: add files one at a time (or tar them)", arg)
	}
	size := int64(-1)
	if fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return f, size, filepath.Base(arg), nil
}

// stdinCloser does not close stdin, and lets `add --only-hash` reach the
// *os.File behind it (io.NopCloser hides it).
type stdinCloser struct{ r io.Reader }

func (s stdinCloser) Read(p []byte) (int, error) { return s.r.Read(p) }
func (stdinCloser) Close() error                 { return nil }
func (s stdinCloser) Unwrap() io.Reader          { return s.r }

func getCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get <cid>",
		Short: "Fetch an artifact (from this node or its peers) into a file",
		Long: `Fetch an artifact into a file (default: ./<cid>). The file appears only once
every block has arrived and been verified against its CID; on failure no
partial file is left behind.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseCID(args[0])
			if err != nil {
				return err
			}
			out, _ := cmd.Flags().GetString(flagOutput)
			if out == "" {
				out = id.String()
			}
			c, cancel := ctx(cmd)
			defer cancel()
			cl, err := client(cmd)
			if err != nil {
				return err
			}
			rc, st, err := cl.Cat(c, id)
			if err != nil {
				return err
			}
			defer rc.Close()
			if out == "-" {
				_, err = io.Copy(cmd.OutOrStdout(), rc)
				return err
			}
			tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".partial-*")
			if err != nil {
				return err
			}
			defer os.Remove(tmp.Name()) // no-op after the rename
			bar := newProgress(cmd, st.Size, "fetching "+id.String())
			if _, err := io.Copy(tmp, bar.wrap(rc)); err != nil {
				bar.abort()
				tmp.Close()
				return fmt.Errorf("get %s: %w", id, err)
			}
			bar.done()
			if err := tmp.Close(); err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "saved %s (%d bytes) to %s\n", id, st.Size, out)
			return nil
		},
	}
	cmd.Flags().StringP(flagOutput, "o", "", "output file (default ./<cid>; - for stdout)")
	return cmd
}

func catCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "cat <cid>",
		Short: "Write an artifact's bytes to stdout",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseCID(args[0])
			if err != nil {
				return err
			}
			c, cancel := ctx(cmd)
			defer cancel()
			cl, err := client(cmd)
			if err != nil {
				return err
			}
			rc, _, err := cl.Cat(c, id)
			if err != nil {
				return err
			}
			defer rc.Close()
			if _, err := io.Copy(cmd.OutOrStdout(), rc); err != nil {
				return fmt.Errorf("cat %s: %w", id, err)
			}
			return nil
		},
	}
}

func lsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "ls",
		Short: "List pinned artifacts with their sizes and pin kinds",
		Long: `List pinned artifacts with their sizes and pin kinds:
  user        pinned by add/pin; removed only by unpin
  chain       referenced by chain state (VM images, quantum results); pinned
              and unpinned by the node's chain-pin reconciler
  user+chain  both; each kind is removed independently`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, cancel := ctx(cmd)
			defer cancel()
			cl, err := client(cmd)
			if err != nil {
				return err
			}
			pins, err := cl.Pins(c)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "CID\tSIZE\tKIND\t")
			for _, p := range pins {
				size := "?"
				if p.Size >= 0 {
					size = fmt.Sprintf("%d (%s)", p.Size, humanBytes(p.Size))
				}
				kind := p.Kind
				if kind == "" {
					kind = artifacts.PinKindUser
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t\n", p.CID, size, kind)
			}
			return tw.Flush()
		},
	}
}

func eachCID(verb string, f func(context.Context, *artifacts.Client, cid.Cid) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ids := make([]cid.Cid, len(args))
		for i, a := range args {
			id, err := parseCID(a)
			if err != nil {
				return err
			}
			ids[i] = id
		}
		c, cancel := ctx(cmd)
		defer cancel()
		cl, err := client(cmd)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := f(c, cl, id); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", verb, id)
		}
		return nil
	}
}

func pinCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "pin <cid>...",
		Short: "Fetch (if needed) and pin artifacts so gc keeps them",
		Args:  cobra.MinimumNArgs(1),
		RunE: eachCID("pinned", func(c context.Context, cl *artifacts.Client, id cid.Cid) error {
			return cl.Pin(c, id)
		}),
	}
}

func unpinCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "unpin <cid>...",
		Short: "Remove pins; the next gc deletes the blocks",
		Args:  cobra.MinimumNArgs(1),
		RunE: eachCID("unpinned", func(c context.Context, cl *artifacts.Client, id cid.Cid) error {
			return cl.Unpin(c, id)
		}),
	}
}

func gcCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "gc",
		Short: "Delete every block not reachable from a pin",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, cancel := ctx(cmd)
			defer cancel()
			cl, err := client(cmd)
			if err != nil {
				return err
			}
			res, err := cl.GC(c)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "removed %d blocks, freed %d bytes (%s)\n", res.Removed, res.Freed, humanBytes(res.Freed))
			return err
		},
	}
}

func statCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "stat <cid>",
		Short: "Show an artifact's type, size and pin state",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseCID(args[0])
			if err != nil {
				return err
			}
			c, cancel := ctx(cmd)
			defer cancel()
			cl, err := client(cmd)
			if err != nil {
				return err
			}
			st, err := cl.Stat(c, id)
			if err != nil {
				return err
			}
			p := id.Prefix()
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 1, ' ', 0)
			fmt.Fprintf(tw, "CID:\t%s\n", st.CID)
			fmt.Fprintf(tw, "CID version:\t%d (codec 0x%x)\n", p.Version, p.Codec)
			fmt.Fprintf(tw, "Type:\t%s\n", st.Type)
			fmt.Fprintf(tw, "Size:\t%d (%s)\n", st.Size, humanBytes(st.Size))
			fmt.Fprintf(tw, "CumulativeSize:\t%d\n", st.CumulativeSize)
			fmt.Fprintf(tw, "Links:\t%d\n", st.Links)
			fmt.Fprintf(tw, "Local:\t%t\n", st.Local)
			fmt.Fprintf(tw, "Pinned:\t%t\n", st.Pinned)
			fmt.Fprintf(tw, "Chain pinned:\t%t\n", st.ChainPinned)
			return tw.Flush()
		},
	}
}

func peersCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "peers",
		Short: "List bitswap peers (connected, and configured ones that are not)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, cancel := ctx(cmd)
			defer cancel()
			cl, err := client(cmd)
			if err != nil {
				return err
			}
			ps, err := cl.Peers(c)
			if err != nil {
				return err
			}
			for _, p := range ps {
				state := "connected"
				if !p.Connected {
					state = "disconnected"
				}
				if p.Configured {
					state += ",configured"
				}
				addr := ""
				if len(p.Addrs) > 0 {
					addr = p.Addrs[0]
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s/p2p/%s %s\n", addr, p.ID, state)
			}
			return nil
		},
	}
}

func idCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "id",
		Short: "Show this node's artifact peer ID and multiaddrs (for other nodes' peers list)",
		Long: `Show the peer ID and the multiaddrs other nodes put in their [artifacts] peers.
With --offline the identity key under the node home is read (and created on
first use) without a running node; localnet scripts use this before start.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var info artifacts.NodeInfo
			if off, _ := cmd.Flags().GetBool(flagOffline); off {
				cfg, home, err := nodeConfig(cmd)
				if err != nil {
					return err
				}
				_, pid, err := artifacts.LoadOrCreateIdentity(cfg.DataPath(home))
				if err != nil {
					return err
				}
				info = artifacts.NodeInfo{Backend: artifacts.BackendEmbedded, ID: pid.String(), Addrs: artifacts.WithPeerID(cfg.ListenAddrs, pid)}
			} else {
				c, cancel := ctx(cmd)
				defer cancel()
				cl, err := client(cmd)
				if err != nil {
					return err
				}
				if info, err = cl.ID(c); err != nil {
					return err
				}
			}
			fmt.Fprintln(cmd.OutOrStdout(), info.ID)
			if len(info.Addrs) > 0 {
				fmt.Fprintln(cmd.OutOrStdout(), strings.Join(info.Addrs, "\n"))
			}
			return nil
		},
	}
	cmd.Flags().Bool(flagOffline, false, "read the identity key from --home instead of asking the node")
	return cmd
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
