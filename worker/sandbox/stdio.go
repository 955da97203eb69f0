//go:build cgo

package sandbox

import "github.com/bytecodealliance/wasmtime-go/v39"

// setStdio hands the child's own stdout and stderr (pipes to the parent,
// which counts and caps them) to the module.
func setStdio(w *wasmtime.WasiConfig) error {
	w.InheritStdout()
	w.InheritStderr()
	return nil
}
