package checkpoints

import (
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

func TestConfigValidate(t *testing.T) {
	wa := BridgeConfig{ID: "whatsapp", FromNetwork: "matrix", ToNetwork: "whatsapp", TokenEnv: "WA_TOKEN"}
	tests := []struct {
		name string
		cfg  Config
		want []string // each problem, in order; none for a valid config
	}{
		{"valid, defaults", Config{Bridges: []BridgeConfig{wa}}, nil},
		{"valid, every key", Config{Bridges: []BridgeConfig{wa}, Interval: 10 * time.Second, MaxBodyBytes: 4096, PendingTTL: time.Hour, MaxPending: 10}, nil},
		{"no bridges", Config{}, []string{"bridges: must list at least one bridge"}},
		{"duplicate id", Config{Bridges: []BridgeConfig{wa, {ID: "whatsapp", FromNetwork: "matrix", ToNetwork: "wa2", TokenEnv: "WA2_TOKEN"}}},
			[]string{`bridges[1].id: "whatsapp" is already the id of bridges[0]`}},
		{"missing token_env", Config{Bridges: []BridgeConfig{{ID: "signal", FromNetwork: "matrix", ToNetwork: "signal"}}},
			[]string{"bridges[0].token_env: missing: name the environment variable"}},
		{"shared token_env", Config{Bridges: []BridgeConfig{wa, {ID: "signal", FromNetwork: "matrix", ToNetwork: "signal", TokenEnv: "WA_TOKEN"}}},
			[]string{`bridges[1].token_env: "WA_TOKEN" is already the token_env of bridges[0]`}},
		{"bad names", Config{Bridges: []BridgeConfig{{ID: "Whats App", FromNetwork: "", ToNetwork: "x", TokenEnv: "1BAD-NAME"}}},
			[]string{`bridges[0].id: "Whats App" is not a valid id`, `bridges[0].from_network: "" is not a valid network id`,
				`bridges[0].token_env: "1BAD-NAME" is not an environment variable name`}},
		{"route to itself", Config{Bridges: []BridgeConfig{{ID: "loop", FromNetwork: "matrix", ToNetwork: "matrix", TokenEnv: "T"}}},
			[]string{`bridges[0].to_network: "matrix" is also the from_network`}},
		{"bad limits", Config{Bridges: []BridgeConfig{wa}, Interval: 7 * time.Minute, MaxBodyBytes: 10, PendingTTL: time.Millisecond, MaxPending: -1},
			[]string{"interval: 7m0s must divide an hour", "max_body_bytes: 10 must be from 1024", "pending_ttl: 1ms must be from 1s to 24h", "max_pending: -1 must be from 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate = nil, want %q", tc.want)
			}
			if !imscope.IsInvalid(err) {
				t.Errorf("Validate = %T, want *imscope.InvalidError inside", err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("Validate =\n%v\nwant %d problems: %q", err, len(tc.want), tc.want)
			}
			for i, want := range tc.want {
				if !strings.HasPrefix(lines[i], want) {
					t.Errorf("problem %d = %q, want it to start with %q", i, lines[i], want)
				}
			}
		})
	}
}

func TestNewReadsTokens(t *testing.T) {
	const secret = "a-secret-token-that-is-long-enough"
	tests := []struct {
		name string
		env  map[string]string
		want string // substring of the error; "" for success
	}{
		{"both tokens", map[string]string{"TEST_WA_TOKEN": tokenWA, "TEST_SIGNAL_TOKEN": tokenSignal}, ""},
		{"a missing variable is named", map[string]string{"TEST_WA_TOKEN": tokenWA}, "environment variable TEST_SIGNAL_TOKEN is empty or unset"},
		{"a blank variable is missing", map[string]string{"TEST_WA_TOKEN": tokenWA, "TEST_SIGNAL_TOKEN": "  "}, "TEST_SIGNAL_TOKEN is empty or unset"},
		{"a short token is refused", map[string]string{"TEST_WA_TOKEN": "short", "TEST_SIGNAL_TOKEN": tokenSignal}, "the token in TEST_WA_TOKEN is shorter than 16"},
		{"one token for two bridges is refused", map[string]string{"TEST_WA_TOKEN": secret, "TEST_SIGNAL_TOKEN": secret}, "the token in TEST_SIGNAL_TOKEN is also bridge whatsapp's"},
		{"an invalid config is refused first", nil, "bridges[0].token_env"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			if tc.env == nil {
				cfg.Bridges[0].TokenEnv = ""
			}
			_, err := New("push", cfg, Options{Getenv: func(k string) string { return tc.env[k] }})
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("New = %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("New = %v, want an error containing %q", err, tc.want)
			case err != nil && (strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "short\"")):
				t.Fatalf("New's error shows a token: %v", err)
			case err != nil && !strings.Contains(err.Error(), `checkpoints receiver "push"`):
				t.Errorf("New's error does not name the receiver: %v", err)
			}
		})
	}
}
