//go:build !linux && !windows && !darwin

package idle

func platformInputProbers() []inputProber { return nil }
