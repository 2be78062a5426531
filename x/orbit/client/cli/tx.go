// Package cli holds the hand-written x/orbit commands that autocli cannot express.
package cli

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"cosmossdk.io/core/address"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govcli "github.com/cosmos/cosmos-sdk/x/gov/client/cli"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"

	"github.com/novacron/novacron/x/orbit/engine/tle"
	"github.com/novacron/novacron/x/orbit/types"
)

// Flags of register-tle-constellation.
const (
	FlagPlanes          = "planes"
	FlagSatsPerPlane    = "sats-per-plane"
	FlagMinElevationDeg = "min-elevation-deg"
	FlagConeRadiusKm    = "cone-radius-km"
	FlagAltitudeKm      = "altitude-km"
	FlagMaxISLLengthKm  = "max-isl-length-km"
)

// GetTxCmd returns `tx orbit` with register-tle-constellation; autocli adds the generated
// commands (register-constellation, remove-constellation, ...) to it.
func GetTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Orbit transactions (governance proposals)",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(NewRegisterTLEConstellationCmd())
	return cmd
}

// NewRegisterTLEConstellationCmd reads a TLE file and submits a governance proposal with a
// MsgRegisterConstellation holding the TLE set.
func NewRegisterTLEConstellationCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register-tle-constellation [name] [file.tle] --min-elevation-deg D [--planes P --sats-per-plane S] [--altitude-km H] [--cone-radius-km R] [--max-isl-length-km L] --deposit ... --title ... --summary ...",
		Short: "Register a TLE-set constellation (governance proposal)",
		Long: `Reads a TLE file (two-line sets, optionally preceded by a name line; blank lines and
lines starting with '#' are skipped; names are dropped) and submits a governance proposal
with MsgRegisterConstellation. Every line must be exactly 69 characters with a valid
checksum. With --planes and --sats-per-plane (product = number of satellites) the file is
taken plane-major and +Grid ISLs are built; without them the network has no ISLs.
--altitude-km is the reference altitude of the ground-link cone and ISL limit (default:
derived on chain from the lowest mean motion).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			f, err := os.Open(args[1])
			if err != nil {
				return err
			}
			defer f.Close()
			c, err := BuildTLEConstellation(args[0], args[1], f, cmd.Flags())
			if err != nil {
				return err
			}
			ac := clientCtx.TxConfig.SigningContext().AddressCodec()
			prop, err := BuildProposal(c, ac, clientCtx.GetFromAddress(), cmd.Flags())
			if err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), prop)
		},
	}
	cmd.Flags().Uint32(FlagPlanes, 0, "ISL layout: number of planes (0: no ISLs)")
	cmd.Flags().Uint32(FlagSatsPerPlane, 0, "ISL layout: satellites per plane (0: no ISLs)")
	cmd.Flags().String(FlagMinElevationDeg, "", "minimum ground-link elevation in degrees, e.g. 25 (up to 6 decimals)")
	cmd.Flags().String(FlagConeRadiusKm, "", "ground-link cone radius in km, overrides the elevation (up to 3 decimals)")
	cmd.Flags().String(FlagAltitudeKm, "", "reference altitude in km (default: derived from the TLEs)")
	cmd.Flags().String(FlagMaxISLLengthKm, "", "maximum ISL length in km (default: Hypatia's rule at the reference altitude)")
	govcli.AddGovPropFlagsToCmd(cmd)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// ReadTLELines reads a TLE file into tle_lines: pairs of line 1 and line 2, name lines
// dropped, blank and '#' lines skipped, trailing blanks and CR removed. Each pair is
// checked with the strict parser and errors name the file line.
func ReadTLELines(path string, r io.Reader) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 1<<20)
	var out []string
	pending, pendingAt, n := "", 0, 0
	for sc.Scan() {
		n++
		l := strings.TrimRight(sc.Text(), " \t\r\n")
		tr := strings.TrimSpace(l)
		switch {
		case tr == "" || strings.HasPrefix(tr, "#"):
			if pending != "" {
				return nil, fmt.Errorf("%s:%d: line 2 expected after line 1 at line %d", path, n, pendingAt)
			}
		case pending != "":
			if _, err := tle.Parse(pending, l, tle.StrictOptions); err != nil {
				at := pendingAt
				if pe, ok := err.(*tle.ParseError); ok && pe.Line == 2 {
					at = n
				}
				return nil, fmt.Errorf("%s:%d: %w", path, at, err)
			}
			if len(pending) != types.TLELineLen || len(l) != types.TLELineLen {
				return nil, fmt.Errorf("%s:%d: TLE lines must be exactly %d characters", path, pendingAt, types.TLELineLen)
			}
			out = append(out, pending, l)
			pending = ""
		case strings.HasPrefix(l, "1 "):
			pending, pendingAt = l, n
		case strings.HasPrefix(l, "2 "):
			return nil, fmt.Errorf("%s:%d: line 2 without line 1", path, n)
		default: // a name line
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if pending != "" {
		return nil, fmt.Errorf("%s:%d: line 1 without line 2", path, pendingAt)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no TLEs", path)
	}
	return out, nil
}

// parseFixed parses a decimal string into an integer scaled by 10^decimals, exactly (no
// binary floating point): "25" -> 25000000 with 6 decimals, "940.7" -> 940700 with 3.
func parseFixed(s string, decimals int) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	ip, fp, _ := strings.Cut(s, ".")
	if ip == "" && fp == "" {
		return 0, fmt.Errorf("invalid number")
	}
	if len(fp) > decimals {
		return 0, fmt.Errorf("at most %d decimals", decimals)
	}
	fp += strings.Repeat("0", decimals-len(fp))
	if ip == "" {
		ip = "0"
	}
	v, err := strconv.ParseInt(ip+fp, 10, 64)
	if err != nil || v > math.MaxInt64/10 {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	if neg {
		v = -v
	}
	return v, nil
}

// BuildTLEConstellation reads the TLE file and the layout and link flags into a validated
// constellation.
func BuildTLEConstellation(name, path string, r io.Reader, fs *pflag.FlagSet) (types.Constellation, error) {
	c := types.Constellation{Name: name}
	lines, err := ReadTLELines(path, r)
	if err != nil {
		return c, err
	}
	c.TleLines = lines
	if c.Planes, err = fs.GetUint32(FlagPlanes); err != nil {
		return c, err
	}
	if c.SatsPerPlane, err = fs.GetUint32(FlagSatsPerPlane); err != nil {
		return c, err
	}
	for _, f := range []struct {
		flag     string
		decimals int
		dst      *int64
	}{
		{FlagMinElevationDeg, 6, &c.MinElevationMicrodeg},
		{FlagConeRadiusKm, 3, &c.ConeRadiusM},
		{FlagAltitudeKm, 3, &c.AltitudeM},
		{FlagMaxISLLengthKm, 3, &c.MaxIslLengthM},
	} {
		s, err := fs.GetString(f.flag)
		if err != nil {
			return c, err
		}
		if *f.dst, err = parseFixed(s, f.decimals); err != nil {
			return c, fmt.Errorf("--%s %q: %w", f.flag, s, err)
		}
	}
	return c, c.Validate()
}

// BuildProposal wraps MsgRegisterConstellation (authority: the x/gov module account) in a
// MsgSubmitProposal from the --deposit, --title, --summary and --metadata flags.
func BuildProposal(c types.Constellation, ac address.Codec, proposer sdk.AccAddress, fs *pflag.FlagSet) (*govv1.MsgSubmitProposal, error) {
	authority, err := ac.BytesToString(authtypes.NewModuleAddress(govtypes.ModuleName))
	if err != nil {
		return nil, err
	}
	from, err := ac.BytesToString(proposer)
	if err != nil {
		return nil, err
	}
	prop, err := govcli.ReadGovPropCmdFlags(from, fs)
	if err != nil {
		return nil, err
	}
	if err := prop.SetMsgs([]sdk.Msg{&types.MsgRegisterConstellation{Authority: authority, Constellation: c}}); err != nil {
		return nil, err
	}
	return prop, nil
}
