//go:build linux || freebsd || openbsd || netbsd || dragonfly

package main

// displayProblem says why no window can open here, "" when a desktop
// display is named. Without one, the toolkit would panic deep inside GLFW.
func displayProblem(getenv func(string) string) string {
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return "no desktop display (DISPLAY and WAYLAND_DISPLAY are not set): run the window on the desktop, or use 'idlenode status' and 'idlenode settings' in a terminal"
	}
	return ""
}
