// Package idle reports how busy this machine is for anything but our own
// jobs: CPU and GPU used by other programs, time since the owner last
// touched the keyboard or mouse, power source and battery charge,
// temperature and memory pressure.
//
// Each signal is a small interface with a real implementation for Linux,
// Windows and macOS, and a hand-written fake in package idletest. The
// Sampler reads all of them at once and turns failures into "unknown"
// fields, so that the policy always gets an answer and can explain it.
//
// Two rates matter to the caller. Sampler.Sample reads everything and is
// meant for about once a second. While jobs run, the core polls only
// Sampler.InputIdle (or Input.IdleFor) every 100 to 200 ms so that it can
// suspend within 250 ms of the owner's return; on Linux that poll reuses
// one open X11 or D-Bus connection and never starts a process.
package idle
