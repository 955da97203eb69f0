package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
)

// How a run makes NaNs deterministic. Jobs always run with nanRewrite;
// the others exist for the benchmarks that measure what it costs.
type nanMode uint8

const (
	nanRewrite   nanMode = iota // rewrite the module (package instrument)
	nanCranelift                // Cranelift canonicalises every float result
	nanOff                      // nothing: NaN bits depend on the CPU
)

// childConfig is what the parent sends the child on its stdin, as JSON.
type childConfig struct {
	ModulePath   string   `json:"modulePath"`
	InputPath    string   `json:"inputPath,omitempty"`
	Args         []string `json:"args,omitempty"`
	Seed         uint64   `json:"seed"`
	MemoryBytes  int64    `json:"memoryBytes"`
	ScratchDir   string   `json:"scratchDir"`
	ScratchBytes int64    `json:"scratchBytes"`
	CacheDir     string   `json:"cacheDir,omitempty"`
	StatusPath   string   `json:"statusPath"`
	// NaNMode is for benchmarks only (see Runner.nanMode).
	NaNMode nanMode `json:"nanMode,omitempty"`
}

// childStatus is what the child leaves in StatusPath when the module ends
// without the child being killed. The module cannot reach that file: it
// lies outside the scratch folder.
type childStatus struct {
	Kind     FailureKind `json:"kind"`
	ExitCode int         `json:"exitCode"`
	Message  string      `json:"message,omitempty"`
	CacheHit bool        `json:"cacheHit,omitempty"`
}

// maxConfigBytes bounds the config the child reads.
const maxConfigBytes = 1 << 20

// childMain is the child's entry: read the config, lower this process's
// priority, run the module, write the status. Its own diagnostics go to
// stderr (which the parent caps). It returns the child's exit status: 0
// whenever a status was written.
func childMain(stdin io.Reader, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b, err := io.ReadAll(io.LimitReader(stdin, maxConfigBytes))
	if err != nil {
		fmt.Fprintln(stderr, "sandbox child: read config:", err)
		return 1
	}
	var cfg childConfig
	if err := json.Unmarshal(b, &cfg); err != nil || cfg.StatusPath == "" || cfg.ModulePath == "" || cfg.ScratchDir == "" {
		fmt.Fprintln(stderr, "sandbox child: bad config (this verb is internal; use 'idlenode sandbox exec')")
		return 2
	}
	if err := lowerPriority(); err != nil {
		log.Warn("Could not lower priority", "err", err)
	}
	st := runModule(cfg, log)
	out, _ := json.Marshal(st)
	if err := os.WriteFile(cfg.StatusPath, out, 0o600); err != nil {
		fmt.Fprintln(stderr, "sandbox child: write status:", err)
		return 1
	}
	return 0
}
