//go:build cgo

package sandbox

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Benchmarks run only with -bench; scripts/bench-sandbox.sh runs them all
// and summarises. CPU time (user+system of the process) is the measure:
// on a shared machine it is steadier than wall time, and it is what a
// job costs in energy.

var kernelNames = []string{"matmul", "stencil", "floyd", "mandel", "hash"}

var builds sync.Map // key -> *guestBuild

// buildOnce runs the command that makes out, once per test binary.
func buildOnce(tb testing.TB, out string, cmd *exec.Cmd) string {
	tb.Helper()
	v, _ := builds.LoadOrStore(out, &guestBuild{})
	g := v.(*guestBuild)
	g.once.Do(func() {
		g.path = out
		if b, err := cmd.CombinedOutput(); err != nil {
			g.err = fmt.Errorf("%v: %v\n%s", cmd.Args, err, b)
		}
	})
	if g.err != nil {
		tb.Fatal(g.err)
	}
	return g.path
}

// kernelBuilds returns the native program and the wasm module of the
// kernels in lang ("c" or "go").
func kernelBuilds(b *testing.B, lang string) (native, wasm string) {
	b.Helper()
	switch lang {
	case "c":
		clang, err := exec.LookPath("clang-14")
		if err != nil {
			b.Skip("clang-14 not installed (apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32)")
		}
		src := "testdata/kernels/c/kernels.c"
		native = buildOnce(b, filepath.Join(testDir, "k-native"), exec.Command(clang, "-O2", "-o", filepath.Join(testDir, "k-native"), src))
		wasm = buildOnce(b, filepath.Join(testDir, "k.wasm"), exec.Command(clang, "-O2", "-msimd128", "--target=wasm32-wasi",
			"-isystem", "/usr/include/wasm32-wasi", "-L/usr/lib/wasm32-wasi", "-o", filepath.Join(testDir, "k.wasm"), src))
	case "go":
		gobin, err := exec.LookPath("go")
		if err != nil {
			b.Skip("no go tool")
		}
		native = buildOnce(b, filepath.Join(testDir, "gok-native"), exec.Command(gobin, "build", "-o", filepath.Join(testDir, "gok-native"), "./testdata/kernels/gok"))
		cmd := exec.Command(gobin, "build", "-o", filepath.Join(testDir, "gok.wasm"), "./testdata/kernels/gok")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		wasm = buildOnce(b, filepath.Join(testDir, "gok.wasm"), cmd)
	}
	return native, wasm
}

// runNative runs prog kernel and returns its output and CPU seconds.
func runNative(b *testing.B, prog, kernel string) (string, float64) {
	cmd := exec.Command(prog, kernel)
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("native %s: %v", kernel, err)
	}
	st := cmd.ProcessState
	return string(out), (st.UserTime() + st.SystemTime()).Seconds()
}

// runWasm runs the kernel in the sandbox and returns its output and the
// child's CPU seconds (process start and cached-module load included).
func runWasm(b *testing.B, r *Runner, wasm, kernel string) (string, float64) {
	out := filepath.Join(b.TempDir(), "out")
	p, err := r.Start(context.Background(), Spec{ModulePath: wasm, Args: []string{kernel}, OutputPath: out, MemoryMB: 512})
	if err != nil {
		b.Fatal(err)
	}
	res, err := p.Wait()
	if err != nil || res.Kind != KindNone {
		b.Fatalf("wasm %s: %+v %v", kernel, res, err)
	}
	o, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	return string(o), res.CPUSeconds
}

// warm compiles wasm into r's cache (the module exits with a usage error).
func warm(b *testing.B, r *Runner, wasm string) {
	p, err := r.Start(context.Background(), Spec{ModulePath: wasm})
	if err != nil {
		b.Fatal(err)
	}
	if res, _ := p.Wait(); res.Kind != KindExit {
		b.Fatalf("warm-up: %+v", res)
	}
}

// BenchmarkKernels reports, per kernel, the CPU seconds of the native
// build and of the wasm build in the sandbox as jobs run (NaNs made
// deterministic by rewriting the module), and the ratios of the three
// ways to run it: rewritten, with Cranelift canonicalising every float
// result instead, and with neither (not deterministic across CPUs).
func BenchmarkKernels(b *testing.B) {
	for _, lang := range []string{"c", "go"} {
		for _, k := range kernelNames {
			b.Run(lang+"/"+k, func(b *testing.B) {
				native, wasm := kernelBuilds(b, lang)
				cache := filepath.Join(testDir, "bench-cache")
				r := &Runner{CacheDir: cache}
				cl := &Runner{CacheDir: cache, nanMode: nanCranelift}
				off := &Runner{CacheDir: cache, nanMode: nanOff}
				// Warm the compile caches outside the measurement.
				for _, r := range []*Runner{r, cl, off} {
					warm(b, r, wasm)
				}
				b.ResetTimer()
				var nat, wsm, wcl, woff float64
				for i := 0; i < b.N; i++ {
					no, nc := runNative(b, native, k)
					wo, wc := runWasm(b, r, wasm, k)
					co, cc := runWasm(b, cl, wasm, k)
					fo, fc := runWasm(b, off, wasm, k)
					if no != wo || no != co || no != fo {
						b.Fatalf("outputs differ: native %q, wasm %q, with Cranelift's canonicalisation %q, without any %q", no, wo, co, fo)
					}
					nat, wsm, wcl, woff = nat+nc, wsm+wc, wcl+cc, woff+fc
				}
				n := float64(b.N)
				b.ReportMetric(nat/n, "native-cpu-s/op")
				b.ReportMetric(wsm/n, "wasm-cpu-s/op")
				b.ReportMetric(wsm/nat, "ratio")
				b.ReportMetric(wcl/nat, "ratio-cranelift-canon")
				b.ReportMetric(woff/nat, "ratio-no-nan-canon")
			})
		}
	}
}

// BenchmarkSuspend measures, over b.N suspensions of a spinning child
// (its threads' CPU time summed from /proc/PID/task/*/schedstat, polled
// every ~50 µs for 150 ms after the call):
//   - stop: from the Suspend call to the end of the last poll interval in
//     which the child still computed (used CPU for more than half of the
//     interval), i.e. until its CPU use stopped;
//   - call: how long Suspend took to return;
//   - cpu-after: all CPU time the child used after the call, including the
//     kernel's work of stopping threads that were waiting for a CPU (those
//     stop when next scheduled, a few microseconds each, maybe much later
//     on a busy machine: that is why stop is not "last CPU seen").
func BenchmarkSuspend(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads thread states from /proc")
	}
	wasm := buildGuest(b, "hostile")
	p, err := testRunner().Start(context.Background(), Spec{ModulePath: wasm, Args: []string{"spin"}, Timeout: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Kill()
	c0 := 0.0
	for c0 < 0.2 { // running the module, not compiling it
		time.Sleep(20 * time.Millisecond)
		if c0, err = p.CPUSeconds(); err != nil {
			b.Fatal(err)
		}
	}
	stops := make([]time.Duration, 0, b.N)
	calls := make([]time.Duration, 0, b.N)
	after := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		time.Sleep(time.Duration(5+i%10) * time.Millisecond) // let it run
		var last time.Time
		var used int64
		started := make(chan time.Time)
		polled := make(chan struct{})
		go func() {
			defer close(polled)
			t0 := <-started
			prev := schedRuntime(p.Pid())
			first := prev
			defer func() { used = prev - first }()
			last = t0
			tPrev := t0
			for time.Since(t0) < 150*time.Millisecond {
				time.Sleep(50 * time.Microsecond)
				n, now := schedRuntime(p.Pid()), time.Now()
				if float64(n-prev) > 0.5*float64(now.Sub(tPrev)) {
					last = now
				}
				prev, tPrev = n, now
			}
		}()
		t0 := time.Now()
		started <- t0
		if err := p.Suspend(); err != nil {
			b.Fatal(err)
		}
		calls = append(calls, time.Since(t0))
		<-polled
		stops = append(stops, last.Sub(t0))
		after = append(after, time.Duration(used))
		if err := p.Resume(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for _, m := range []struct {
		name string
		v    []time.Duration
	}{{"stop", stops}, {"call", calls}, {"cpu-after", after}} {
		slices.Sort(m.v)
		b.ReportMetric(ms(m.v[len(m.v)/2]), m.name+"-p50-ms")
		b.ReportMetric(ms(m.v[(len(m.v)*99)/100]), m.name+"-p99-ms")
	}
}

// schedRuntime sums the time on CPU (ns) of pid's threads.
func schedRuntime(pid int) int64 {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "task")
	ents, _ := os.ReadDir(dir)
	var sum int64
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "schedstat"))
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			sum += n
		}
	}
	return sum
}

// BenchmarkStart measures a whole run of a ~4 MB Go guest that prints one
// line: Start to exit, with an empty cache (compile) and a warm one.
func BenchmarkStart(b *testing.B) {
	wasm := buildGuest(b, "hostile")
	fi, err := os.Stat(wasm)
	if err != nil {
		b.Fatal(err)
	}
	var cpu float64
	once := func(b *testing.B, r *Runner) Result {
		p, err := r.Start(context.Background(), Spec{ModulePath: wasm, Args: []string{"ok"}})
		if err != nil {
			b.Fatal(err)
		}
		res, err := p.Wait()
		if err != nil || res.Kind != KindNone {
			b.Fatalf("%+v %v", res, err)
		}
		cpu += res.CPUSeconds
		return res
	}
	b.Run("cold", func(b *testing.B) {
		cpu = 0
		b.ReportMetric(float64(fi.Size())/1e6, "module-MB")
		for i := 0; i < b.N; i++ {
			r := &Runner{CacheDir: b.TempDir()}
			if once(b, r).CacheHit {
				b.Fatal("cold start hit the cache")
			}
		}
		b.ReportMetric(cpu*1000/float64(b.N), "cpu-ms/op")
	})
	b.Run("cached", func(b *testing.B) {
		r := &Runner{CacheDir: filepath.Join(b.TempDir(), "cache")}
		once(b, r)
		cpu = 0
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if !once(b, r).CacheHit {
				b.Fatal("cached start missed the cache")
			}
		}
		b.ReportMetric(cpu*1000/float64(b.N), "cpu-ms/op")
	})
}

// BenchmarkDutyCycle reports the share of one CPU a spinning child gets
// at a given duty cycle, over two seconds.
func BenchmarkDutyCycle(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads CPU time from /proc")
	}
	wasm := buildGuest(b, "hostile")
	// Compile once first: compiling runs on several threads, and the
	// window below must measure the module running, not Cranelift.
	if p, err := testRunner().Start(context.Background(), Spec{ModulePath: wasm, Args: []string{"exit3"}}); err == nil {
		p.Wait()
	}
	for _, pct := range []int{25, 50} {
		b.Run(fmt.Sprintf("%d%%", pct), func(b *testing.B) {
			var share float64
			for i := 0; i < b.N; i++ {
				p, err := testRunner().Start(context.Background(), Spec{ModulePath: wasm, Args: []string{"spin"}, Timeout: time.Hour})
				if err != nil {
					b.Fatal(err)
				}
				c := 0.0
				for c < 0.1 {
					time.Sleep(10 * time.Millisecond)
					c, _ = p.CPUSeconds()
				}
				p.SetDutyCycle(pct)
				c0, _ := p.CPUSeconds()
				t0 := time.Now()
				time.Sleep(2 * time.Second)
				c1, _ := p.CPUSeconds()
				share += (c1 - c0) / time.Since(t0).Seconds()
				p.Kill()
				p.Wait()
			}
			b.ReportMetric(100*share/float64(b.N), "cpu-%")
		})
	}
}
