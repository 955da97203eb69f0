package idle

// NewPower returns the power signal: /sys/class/power_supply on Linux.
func NewPower() Power { return NewSysfsPower("/sys/class/power_supply") }
