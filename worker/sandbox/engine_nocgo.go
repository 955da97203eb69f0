//go:build !cgo

package sandbox

import "log/slog"

// runModule without cgo: there is no engine to run it with.
func runModule(cfg childConfig, log *slog.Logger) childStatus {
	return childStatus{Kind: KindCrash, Message: ErrNoEngine.Error()}
}

// EngineID names the engine and its settings; compiled modules are cached
// per EngineID.
func EngineID() string { return "none" }
