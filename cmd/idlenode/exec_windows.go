//go:build windows

package main

// execReplace is not possible on Windows: the caller starts the window
// program as a child instead.
func execReplace(path string, argv []string) error { return nil }
