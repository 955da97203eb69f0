package idle

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// The test binary doubles as the busy child process for the CPU tests.
const childModeEnv = "IDLE_TEST_CHILD_MODE"

func TestMain(m *testing.M) {
	switch os.Getenv(childModeEnv) {
	case "spin":
		spin()
		os.Exit(0)
	case "parent":
		// Start a spinning grandchild and wait: only the grandchild
		// uses CPU, so ours must include descendants.
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), childModeEnv+"=spin")
		if err := cmd.Start(); err != nil {
			os.Exit(3)
		}
		_ = cmd.Wait()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// spin burns one core until its parent goes away or 60 s pass, so that a
// failed test never leaves it behind.
func spin() {
	parent := os.Getppid()
	deadline := time.Now().Add(60 * time.Second)
	x := 0
	for {
		for i := 0; i < 5_000_000; i++ {
			x += i
		}
		if os.Getppid() != parent || time.Now().After(deadline) {
			_ = x
			return
		}
	}
}

// startChild runs this test binary in a child mode and stops it when the
// test ends.
func startChild(t testing.TB, mode string) *exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), childModeEnv+"="+mode)
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start child: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	return cmd
}
