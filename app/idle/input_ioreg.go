package idle

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// parseHIDIdleTime finds `"HIDIdleTime" = N` (nanoseconds) in the output of
// `ioreg -c IOHIDSystem`. It is plain Go so that it is tested everywhere.
func parseHIDIdleTime(out []byte) (time.Duration, error) {
	key := []byte(`"HIDIdleTime"`)
	i := bytes.Index(out, key)
	if i < 0 {
		return 0, errors.New("parse ioreg output: no HIDIdleTime")
	}
	rest := bytes.TrimLeft(out[i+len(key):], " \t")
	if len(rest) == 0 || rest[0] != '=' {
		return 0, errors.New("parse ioreg output: HIDIdleTime has no value")
	}
	rest = bytes.TrimLeft(rest[1:], " \t")
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	ns, err := strconv.ParseUint(string(rest[:end]), 10, 63)
	if err != nil {
		return 0, fmt.Errorf("parse ioreg output: HIDIdleTime: %w", err)
	}
	return time.Duration(ns), nil
}
