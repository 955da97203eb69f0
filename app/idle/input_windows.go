//go:build windows

package idle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32               = windows.NewLazySystemDLL("user32.dll")
	kernel32             = windows.NewLazySystemDLL("kernel32.dll")
	procGetLastInputInfo = user32.NewProc("GetLastInputInfo")
	procGetTickCount     = kernel32.NewProc("GetTickCount")
)

// lastInputInfo is LASTINPUTINFO.
type lastInputInfo struct {
	cbSize uint32
	dwTime uint32
}

// windowsInput calls GetLastInputInfo, which covers the caller's session.
type windowsInput struct{}

var _ inputMethod = windowsInput{}

func (windowsInput) idleFor(context.Context) (time.Duration, error) {
	info := lastInputInfo{cbSize: uint32(unsafe.Sizeof(lastInputInfo{}))}
	r, _, err := procGetLastInputInfo.Call(uintptr(unsafe.Pointer(&info)))
	if r == 0 {
		return 0, fmt.Errorf("call GetLastInputInfo: %w", err)
	}
	now, _, _ := procGetTickCount.Call()
	// Both are 32-bit millisecond tick counts; unsigned subtraction
	// survives the wrap every 49.7 days.
	return time.Duration(uint32(now)-info.dwTime) * time.Millisecond, nil
}

func (windowsInput) close() error { return nil }

func platformInputProbers(log *slog.Logger) []inputProber {
	return []inputProber{{name: "windows-lastinput", open: func(context.Context) (inputMethod, error) {
		if err := procGetLastInputInfo.Find(); err != nil {
			return nil, errors.New("GetLastInputInfo not available")
		}
		return windowsInput{}, nil
	}}}
}
