package main

import (
	"context"
	"io"

	"github.com/idlenode/idlenode/worker/sandbox"
)

func init() {
	register(command{
		name:    "sandbox",
		summary: "run a WASI module in the job sandbox (exec)",
		run: func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			// sandbox.Main prints its own one-line message.
			if code := sandbox.Main(ctx, args, stdout, stderr); code != 0 {
				return exitError{Code: code}
			}
			return nil
		},
	})
}
