//go:build !(linux || freebsd || openbsd || netbsd || dragonfly)

package main

// displayProblem: macOS and Windows always have a display for a user's
// session.
func displayProblem(func(string) string) string { return "" }
