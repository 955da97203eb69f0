//go:build !(linux && cgo)

package idle

import "fmt"

// noNVMLProbe stands in where go-nvml cannot be built: without cgo, on
// macOS (no NVIDIA driver), and on Windows (go-nvml loads the library with
// dlopen only).
type noNVMLProbe struct{}

var _ gpuProbe = noNVMLProbe{}

func newNVMLProbe() gpuProbe { return noNVMLProbe{} }

func (noNVMLProbe) init() error {
	return fmt.Errorf("%w (built without NVML support)", ErrNoGPU)
}
func (noNVMLProbe) count() (int, error)                  { return 0, ErrNoGPU }
func (noNVMLProbe) read(int, uint64) (gpuReading, error) { return gpuReading{}, ErrNoGPU }
func (noNVMLProbe) shutdown() error                      { return nil }
