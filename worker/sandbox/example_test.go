//go:build cgo

package sandbox_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/idlenode/idlenode/worker/sandbox"
)

// A worker runs a job's module in a child process and reads its result.
// (testdata/hello.wasm is testdata/hello.wat compiled.)
func ExampleRunner() {
	dir, err := os.MkdirTemp("", "example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	r := &sandbox.Runner{CacheDir: filepath.Join(dir, "cache")}
	p, err := r.Start(context.Background(), sandbox.Spec{
		ModulePath: "testdata/hello.wasm",
		OutputPath: filepath.Join(dir, "out"),
		Seed:       42,
		MemoryMB:   64,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// p.Suspend(), p.Resume(), p.SetDutyCycle(50) and p.Kill() steer it.
	res, err := p.Wait()
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := os.ReadFile(filepath.Join(dir, "out"))
	fmt.Printf("%v, %d bytes: %s", res.Kind, res.OutputBytes, out)
	// Output: none, 23 bytes: hello from the sandbox
}
