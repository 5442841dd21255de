package checkpoints

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/imscope/imscope"
)

// Defaults for the optional Config keys.
const (
	DefaultInterval     = time.Minute
	DefaultMaxBodyBytes = 1 << 20 // 1 MiB: a bridge sends a handful of checkpoints per request
	DefaultPendingTTL   = 10 * time.Minute
	DefaultMaxPending   = 100_000
)

// Config configures one push receiver. In imscope.yaml:
//
//	bridges:
//	  - id: whatsapp
//	    from_network: matrix      # the Matrix side: checkpoints describe Matrix → remote
//	    to_network: whatsapp
//	    token_env: IMSCOPE_BRIDGE_WHATSAPP_TOKEN
//	interval: 1m                  # aggregation interval of bridge_traffic rows
//	max_body_bytes: 1048576       # larger request bodies get 413
//	pending_ttl: 10m              # how long an unfinished message is remembered
//	max_pending: 100000           # how many messages are remembered at most
type Config struct {
	Bridges []BridgeConfig `yaml:"bridges"`
	// Interval is the width of one bridge_traffic row; it divides an hour.
	// Zero means DefaultInterval.
	Interval time.Duration `yaml:"interval"`
	// MaxBodyBytes caps a request body. Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// PendingTTL is how long the checkpoints of one event are kept to pair
	// its first step with its outcome. Zero means DefaultPendingTTL.
	PendingTTL time.Duration `yaml:"pending_ttl"`
	// MaxPending bounds the events kept; the oldest is forgotten first.
	// Zero means DefaultMaxPending.
	MaxPending int `yaml:"max_pending"`
}

// BridgeConfig is one bridge allowed to push: who it is, which route its
// traffic is, and where its token is.
type BridgeConfig struct {
	ID          string `yaml:"id"`
	FromNetwork string `yaml:"from_network"`
	ToNetwork   string `yaml:"to_network"`
	// TokenEnv names the environment variable holding the bearer token the
	// bridge sends. For mautrix bridges that is the appservice as_token
	// (registration.yaml), which they send to both push endpoints.
	TokenEnv string `yaml:"token_env"`
}

var (
	// Same shape as network ids in the network catalog.
	idRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)
	envRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)
)

// Validate checks every key and reports all problems at once, each an
// *imscope.InvalidError naming its key (bridges[1].token_env), so the caller
// can prefix the section it found the receiver in. Zero values of optional
// keys are valid: they mean the defaults.
func (c Config) Validate() error {
	var errs []error
	bad := func(param, format string, args ...any) {
		errs = append(errs, &imscope.InvalidError{Param: param, Message: fmt.Sprintf(format, args...)})
	}
	if len(c.Bridges) == 0 {
		bad("bridges", "must list at least one bridge")
	}
	ids := map[string]int{}
	envs := map[string]int{}
	for i, b := range c.Bridges {
		at := fmt.Sprintf("bridges[%d]", i)
		if first, dup := ids[b.ID]; dup && b.ID != "" {
			bad(at+".id", "%q is already the id of bridges[%d]", b.ID, first)
		} else if !idRE.MatchString(b.ID) {
			bad(at+".id", "%q is not a valid id (lower-case letters, digits, _ . -; at most 64)", b.ID)
		} else {
			ids[b.ID] = i
		}
		for _, f := range []struct{ key, val string }{{"from_network", b.FromNetwork}, {"to_network", b.ToNetwork}} {
			if !idRE.MatchString(f.val) {
				bad(at+"."+f.key, "%q is not a valid network id (lower-case letters, digits, _ . -; at most 64)", f.val)
			}
		}
		if b.FromNetwork != "" && b.FromNetwork == b.ToNetwork {
			bad(at+".to_network", "%q is also the from_network; a route joins two networks", b.ToNetwork)
		}
		switch first, dup := envs[b.TokenEnv]; {
		case b.TokenEnv == "":
			bad(at+".token_env", "missing: name the environment variable that holds this bridge's token")
		case !envRE.MatchString(b.TokenEnv):
			bad(at+".token_env", "%q is not an environment variable name", b.TokenEnv)
		case dup:
			// One token for two bridges would make the bridge unknowable.
			bad(at+".token_env", "%q is already the token_env of bridges[%d]; each bridge needs its own token", b.TokenEnv, first)
		default:
			envs[b.TokenEnv] = i
		}
	}
	if c.Interval != 0 && (c.Interval < time.Second || c.Interval > time.Hour || time.Hour%c.Interval != 0) {
		bad("interval", "%s must divide an hour, from 1s to 1h (like 10s, 1m or 5m)", c.Interval)
	}
	if c.MaxBodyBytes != 0 && (c.MaxBodyBytes < 1<<10 || c.MaxBodyBytes > 64<<20) {
		bad("max_body_bytes", "%d must be from 1024 to 67108864", c.MaxBodyBytes)
	}
	if c.PendingTTL != 0 && (c.PendingTTL < time.Second || c.PendingTTL > 24*time.Hour) {
		bad("pending_ttl", "%s must be from 1s to 24h", c.PendingTTL)
	}
	if c.MaxPending < 0 || c.MaxPending > 10_000_000 {
		bad("max_pending", "%d must be from 1 to 10000000 (0 for the default)", c.MaxPending)
	}
	return errors.Join(errs...)
}

// withDefaults fills the optional keys left at zero.
func (c Config) withDefaults() Config {
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.PendingTTL == 0 {
		c.PendingTTL = DefaultPendingTTL
	}
	if c.MaxPending == 0 {
		c.MaxPending = DefaultMaxPending
	}
	return c
}
