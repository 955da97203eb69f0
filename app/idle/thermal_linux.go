package idle

// NewThermal returns the temperature signal: sysfs on Linux.
func NewThermal() Thermal { return NewSysfsThermal("/sys/class") }
