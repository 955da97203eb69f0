//go:build linux && cgo

package idle

import (
	"fmt"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// nvmlProbe reads NVML through go-nvml, which loads libnvidia-ml at run
// time, so the binary starts without it.
type nvmlProbe struct {
	lib nvml.Interface
}

var _ gpuProbe = (*nvmlProbe)(nil)

func newNVMLProbe() gpuProbe { return &nvmlProbe{} }

func (p *nvmlProbe) init() error {
	p.lib = nvml.New()
	switch ret := p.lib.Init(); ret {
	case nvml.SUCCESS:
		return nil
	case nvml.ERROR_LIBRARY_NOT_FOUND, nvml.ERROR_DRIVER_NOT_LOADED, nvml.ERROR_NOT_FOUND,
		nvml.ERROR_NO_PERMISSION, nvml.ERROR_LIB_RM_VERSION_MISMATCH:
		return fmt.Errorf("%w (%s)", ErrNoGPU, nvmlReason(ret))
	default:
		return fmt.Errorf("init nvml: %s", nvmlReason(ret))
	}
}

// nvmlReason is a stable text for a return code.
func nvmlReason(ret nvml.Return) string {
	switch ret {
	case nvml.ERROR_LIBRARY_NOT_FOUND:
		return "libnvidia-ml not found"
	case nvml.ERROR_DRIVER_NOT_LOADED:
		return "NVIDIA driver not loaded"
	case nvml.ERROR_NO_PERMISSION:
		return "no permission to use the NVIDIA driver"
	case nvml.ERROR_LIB_RM_VERSION_MISMATCH:
		return "NVIDIA driver and library versions differ"
	}
	return ret.Error()
}

func (p *nvmlProbe) count() (int, error) {
	n, ret := p.lib.DeviceGetCount()
	if ret != nvml.SUCCESS {
		return 0, fmt.Errorf("nvml device count: %s", nvmlReason(ret))
	}
	return n, nil
}

func (p *nvmlProbe) read(i int, since uint64) (gpuReading, error) {
	dev, ret := p.lib.DeviceGetHandleByIndex(i)
	if ret != nvml.SUCCESS {
		return gpuReading{}, fmt.Errorf("nvml device handle: %s", nvmlReason(ret))
	}
	var r gpuReading
	// Each value on its own: consumer cards lack some (power, energy).
	if s, ret := dev.GetName(); ret == nvml.SUCCESS {
		r.name = s
	}
	if u, ret := dev.GetUtilizationRates(); ret == nvml.SUCCESS {
		r.util = float64(u.Gpu)
	}
	if m, ret := dev.GetMemoryInfo(); ret == nvml.SUCCESS {
		r.memUsed, r.memTotal = m.Used, m.Total
	}
	if t, ret := dev.GetTemperature(nvml.TEMPERATURE_GPU); ret == nvml.SUCCESS {
		r.tempC = float64(t)
	}
	if mw, ret := dev.GetPowerUsage(); ret == nvml.SUCCESS {
		r.powerW = float64(mw) / 1000
	}
	if mj, ret := dev.GetTotalEnergyConsumption(); ret == nvml.SUCCESS {
		r.energyMJ = mj
	}
	for _, get := range []func() ([]nvml.ProcessInfo, nvml.Return){
		dev.GetComputeRunningProcesses, dev.GetGraphicsRunningProcesses,
	} {
		if ps, ret := get(); ret == nvml.SUCCESS {
			for _, pr := range ps {
				r.procs = append(r.procs, int(pr.Pid))
			}
		}
	}
	switch samples, ret := dev.GetProcessUtilization(since); ret {
	case nvml.SUCCESS:
		r.procUtilOK = true
		for _, s := range samples {
			r.procUtil = append(r.procUtil, gpuProcUtil{pid: int(s.Pid), smPercent: float64(s.SmUtil), timestamp: s.TimeStamp})
		}
	case nvml.ERROR_NOT_FOUND:
		r.procUtilOK = true // no process used the device since then
	}
	return r, nil
}

func (p *nvmlProbe) shutdown() error {
	if ret := p.lib.Shutdown(); ret != nvml.SUCCESS {
		return fmt.Errorf("shut down nvml: %s", nvmlReason(ret))
	}
	return nil
}
