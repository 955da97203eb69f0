// Command measure reproduces the desktop app's numbers: it starts the real
// node service (`idlenode run`, tray on) beside a stand-in tray host,
// and reports time from start to tray, the service's RSS and CPU with the
// window closed, time from a tray click to the window shown (under X, via
// xdotool), and the window's RSS and CPU while open and idle.
//
//	dbus-run-session -- go run ./ui/tray/traytest/measure -bin ./idlenode -secs 60
//
// It needs a session bus, and DISPLAY with xdotool for the window part.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/idlenode/idlenode/ui/tray/traytest"
)

func main() {
	bin := flag.String("bin", "idlenode", "the idlenode binary")
	secs := flag.Int("secs", 60, "seconds to sample each process")
	flag.Parse()
	if err := run(*bin, time.Duration(*secs)*time.Second); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
}

func run(bin string, span time.Duration) error {
	w, err := traytest.Start()
	if err != nil {
		return err
	}
	defer w.Close()
	home, err := os.MkdirTemp("", "idlenode-measure-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	svc := exec.Command(bin, "run", "--home", home, "--log-level", "warn")
	svc.Env = append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(home, "xdg"))
	svc.Stderr = os.Stderr
	start := time.Now()
	if err := svc.Start(); err != nil {
		return err
	}
	defer func() { _ = svc.Process.Signal(os.Interrupt); _ = svc.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	it, err := w.WaitItem(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("start to tray registered: %v\n", it.At.Sub(start).Round(time.Millisecond))
	var open int32 = -1
	for time.Now().Before(start.Add(10 * time.Second)) {
		entries, err := w.Menu(ctx, it)
		if err == nil {
			for _, e := range entries {
				if e.Label == "Open idlenode" {
					open = e.ID
				}
			}
		}
		if open >= 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Printf("start to tray menu readable: %v\n", time.Since(start).Round(time.Millisecond))
	time.Sleep(3 * time.Second) // settle
	rss, cpu, err := sample(svc.Process.Pid, span)
	if err != nil {
		return err
	}
	fmt.Printf("service with tray, window closed, over %v: RSS %.1f MB (max), CPU %.2f%% of a core\n", span, rss, cpu)

	if os.Getenv("DISPLAY") == "" || open < 0 {
		fmt.Println("no DISPLAY: window not measured")
		return nil
	}
	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer ccancel()
	click := time.Now()
	if err := w.Click(cctx, it, open); err != nil {
		return err
	}
	for {
		out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^idlenode$").Output()
		if len(strings.TrimSpace(string(out))) > 0 {
			break
		}
		if time.Since(click) > 20*time.Second {
			return fmt.Errorf("no window 20 s after the click")
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Printf("tray click to window shown: %v\n", time.Since(click).Round(time.Millisecond))
	out, err := exec.Command("pgrep", "-P", strconv.Itoa(svc.Process.Pid)).Output()
	if err != nil {
		return fmt.Errorf("find the window process: %w", err)
	}
	wpid, _ := strconv.Atoi(strings.Fields(string(out))[0])
	time.Sleep(3 * time.Second)
	rss, cpu, err = sample(wpid, span)
	if err != nil {
		return err
	}
	fmt.Printf("window open and idle, over %v: RSS %.1f MB (max), CPU %.2f%% of a core\n", span, rss, cpu)
	_ = syscallKill(wpid)
	return nil
}

// sample reads RSS every second and CPU time at both ends from /proc.
func sample(pid int, span time.Duration) (maxRSSMB, cpuPercent float64, err error) {
	t0, err := cpuTicks(pid)
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	for time.Since(start) < span {
		if r, err := rssMB(pid); err == nil && r > maxRSSMB {
			maxRSSMB = r
		}
		time.Sleep(time.Second)
	}
	t1, err := cpuTicks(pid)
	if err != nil {
		return 0, 0, err
	}
	const hz = 100 // USER_HZ on Linux
	return maxRSSMB, float64(t1-t0) / hz / time.Since(start).Seconds() * 100, nil
}

func rssMB(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			f := strings.Fields(l)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS for %d", pid)
}

func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndex(s, ")")+2:])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return ut + st, nil
}

func syscallKill(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Signal(os.Interrupt)
}
