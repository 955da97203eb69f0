//go:build !linux && !windows && !darwin

package idle

import "log/slog"

func platformInputProbers(log *slog.Logger) []inputProber { return nil }
