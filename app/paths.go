package app

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
)

// Paths says where a node keeps its files. One place knows them all.
type Paths struct {
	Config  string // settings.json, network.json
	Data    string // state, blob cache, compile cache, wallet
	Runtime string // the local API socket
}

// Settings is the settings file.
func (p Paths) Settings() string { return filepath.Join(p.Config, "settings.json") }

// Network is the joined network's descriptor.
func (p Paths) Network() string { return filepath.Join(p.Config, "network.json") }

// Socket is the local API's Unix socket.
func (p Paths) Socket() string { return filepath.Join(p.Runtime, "node.sock") }

// Wallet is the wallet's directory: config, never cache, which may be wiped.
func (p Paths) Wallet() string { return filepath.Join(p.Config, "wallet") }

// PauseFile keeps the owner's pause across restarts.
func (p Paths) PauseFile() string { return filepath.Join(p.Data, "pause.json") }

// HomeEnv overrides every path with one folder, for several nodes on one
// machine and for tests. The --home flag does the same.
const HomeEnv = "IDLENODE_HOME"

// DefaultPaths returns the paths under home when it is not empty, else
// under $IDLENODE_HOME, else the OS's config, cache and runtime folders.
func DefaultPaths(home string) (Paths, error) {
	if home == "" {
		home = os.Getenv(HomeEnv)
	}
	if home != "" {
		abs, err := filepath.Abs(home)
		if err != nil {
			return Paths{}, fmt.Errorf("home folder: %w", err)
		}
		return Paths{Config: abs, Data: filepath.Join(abs, "data"), Runtime: abs}, nil
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return Paths{}, fmt.Errorf("find the config folder: %w", err)
	}
	data, err := userDataDir()
	if err != nil {
		return Paths{}, fmt.Errorf("find the data folder: %w", err)
	}
	p := Paths{Config: filepath.Join(cfg, "idlenode"), Data: filepath.Join(data, "idlenode")}
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" {
		p.Runtime = filepath.Join(rt, "idlenode")
	} else {
		p.Runtime = filepath.Join(os.TempDir(), "idlenode-"+strconv.Itoa(os.Getuid()))
	}
	return p, nil
}

// userDataDir is where programs keep data that must survive (unreported
// results, the job ledger): $XDG_DATA_HOME or ~/.local/share on Unix, the
// local app data folder on Windows, Application Support on macOS. Unlike
// the cache folder, nobody wipes it to save space.
func userDataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		return os.UserCacheDir() // %LocalAppData%
	case "darwin":
		return os.UserConfigDir() // ~/Library/Application Support
	}
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share"), nil
}

// Ensure creates the folders, owner-only.
func (p Paths) Ensure() error {
	for _, d := range []string{p.Config, p.Data, p.Runtime} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
		// MkdirAll leaves existing folders alone; the runtime folder holds
		// the API socket and must not be reachable by others.
		if d == p.Runtime {
			if err := os.Chmod(d, 0o700); err != nil {
				return fmt.Errorf("secure %s: %w", d, err)
			}
		}
	}
	return nil
}
