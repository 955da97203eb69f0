//go:build windows

package sandbox

import (
	"fmt"
	"os"
)

// mapFile reads path whole (no mapping on Windows: a mapped file cannot be
// replaced while mapped).
func mapFile(path string, maxBytes int64) (data []byte, unmap func(), err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if fi.Size() > maxBytes {
		return nil, nil, fmt.Errorf("%w: %s is %d bytes, more than %d", errTooLarge, path, fi.Size(), maxBytes)
	}
	data, err = os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return data, func() {}, nil
}

// openVerifiable reads path whole; the bytes themselves are loaded.
func openVerifiable(path string, maxBytes int64) (data []byte, fdPath string, release func(), err error) {
	data, release, err = mapFile(path, maxBytes)
	return data, "", release, err
}
