// Command hostile is a WASI guest that misbehaves on purpose: the sandbox's
// tests run it in each mode and check that the misbehaviour is contained.
// Build with GOOS=wasip1 GOARCH=wasm.
package main

import (
	crand "crypto/rand"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hostile MODE")
		os.Exit(64)
	}
	switch mode := os.Args[1]; mode {
	case "ok":
		fmt.Println("hello from the sandbox")
	case "echo": // stdin to stdout, upper-cased
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			fail(err)
		}
		fmt.Print(strings.ToUpper(string(b)))
	case "passwd":
		tryRead("/etc/passwd")
		tryRead("../../../../etc/passwd")
		tryRead("/proc/self/environ")
		tryRead("/proc/cpuinfo")
	case "escape":
		tryWrite("/tmp/idlenode-sandbox-escape")
		tryWrite("../idlenode-sandbox-escape")
		tryWrite("../../../../tmp/idlenode-sandbox-escape")
		tryWrite("inside.txt")
	case "env":
		fmt.Printf("env=%q\n", os.Environ())
		fmt.Printf("args=%q\n", os.Args)
	case "net":
		for _, addr := range []string{"127.0.0.1:22", "localhost:80", "8.8.8.8:53"} {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				fmt.Println("denied:", addr)
				continue
			}
			c.Close()
			fmt.Println("LEAK: dialled", addr)
		}
	case "alloc":
		var keep [][]byte
		for {
			b := make([]byte, 1<<20)
			for i := range b {
				b[i] = byte(i)
			}
			keep = append(keep, b)
		}
	case "spin":
		n := uint64(0)
		for {
			n = n*6364136223846793005 + 1442695040888963407
			if n == 42 {
				fmt.Println(n)
			}
		}
	case "work": // spin for a bounded amount of work, then finish
		rounds := 400
		if len(os.Args) > 2 {
			rounds, _ = strconv.Atoi(os.Args[2])
		}
		n := uint64(1)
		for r := 0; r < rounds; r++ {
			for i := 0; i < 1_000_000; i++ {
				n = n*6364136223846793005 + 1442695040888963407
			}
		}
		fmt.Println("done", n)
	case "stdout":
		line := []byte(strings.Repeat("y", 1023) + "\n")
		for {
			if _, err := os.Stdout.Write(line); err != nil {
				os.Exit(5)
			}
		}
	case "disk":
		b := make([]byte, 1<<20)
		for i := 0; ; i++ {
			f, err := os.Create(fmt.Sprintf("fill-%d", i))
			if err != nil {
				fail(err)
			}
			for j := 0; j < 64; j++ {
				if _, err := f.Write(b); err != nil {
					fail(err)
				}
			}
			f.Close()
		}
	case "recurse":
		fmt.Println(recurse(1))
	case "panic":
		panic("the guest panicked on purpose")
	case "exit3":
		fmt.Println("exiting with 3")
		os.Exit(3)
	case "clocks":
		start := time.Now()
		fmt.Println("now", start.UnixNano(), start.Format(time.RFC3339Nano))
		fmt.Println("since", time.Since(start))
		b := make([]byte, 16)
		if _, err := crand.Read(b); err != nil {
			fail(err)
		}
		fmt.Printf("crypto/rand %x\n", b)
		fmt.Println("math/rand", rand.Uint64(), rand.IntN(1000))
		fmt.Println("pid", os.Getpid(), "ppid", os.Getppid())
		h, err := os.Hostname()
		fmt.Println("hostname", h, err)
		wd, err := os.Getwd()
		fmt.Println("wd", wd, err)
		fmt.Println("end", time.Now().UnixNano())
	case "checkpoint": // counts to a target, saving progress in scratch
		target := 50
		if len(os.Args) > 2 {
			target, _ = strconv.Atoi(os.Args[2])
		}
		start := 0
		if b, err := os.ReadFile("checkpoint"); err == nil {
			start, _ = strconv.Atoi(strings.TrimSpace(string(b)))
			fmt.Println("resumed from", start)
		}
		if err := os.WriteFile("scratch-junk", []byte("x"), 0o600); err != nil {
			fail(err)
		}
		n := uint64(1)
		for i := start; i < target; i++ {
			for j := 0; j < 2_000_000; j++ {
				n = n*6364136223846793005 + 1442695040888963407
			}
			if err := os.WriteFile("checkpoint.tmp", []byte(strconv.Itoa(i+1)), 0o600); err != nil {
				fail(err)
			}
			if err := os.Rename("checkpoint.tmp", "checkpoint"); err != nil {
				fail(err)
			}
		}
		fmt.Println("reached", target)
	case "sleep": // sleeping must not take real time nor show it
		start := time.Now()
		for i := 0; i < 5; i++ {
			time.Sleep(200 * time.Millisecond)
		}
		fmt.Println("slept", time.Since(start).Round(time.Millisecond))
		t := time.NewTimer(time.Hour)
		select {
		case <-t.C:
			fmt.Println("timer fired at", time.Since(start).Round(time.Second))
		}
	case "nan": // NaNs made at run time, as bits (their bits differ by CPU)
		zero, inf := float64(len(os.Args)-2), math.Inf(len(os.Args)-1)
		for _, x := range []float64{zero / zero, inf - inf, math.Sqrt(zero - 1), -(zero / zero)} {
			fmt.Printf("%016x %08x\n", math.Float64bits(x), math.Float32bits(float32(x)))
		}
	case "noeol":
		fmt.Print("no trailing newline")
		fmt.Fprint(os.Stderr, "stderr line")
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(64)
	}
}

func recurse(n int) int {
	var pad [64]byte
	pad[n%64] = byte(n)
	return recurse(n+1) + int(pad[0])
}

func tryRead(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Println("denied:", path)
		return
	}
	fmt.Printf("LEAK: read %s (%d bytes)\n", path, len(b))
}

func tryWrite(path string) {
	if err := os.WriteFile(path, []byte("escaped"), 0o600); err != nil {
		fmt.Println("denied:", path)
		return
	}
	fmt.Println("wrote:", path)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "hostile:", err)
	os.Exit(1)
}
