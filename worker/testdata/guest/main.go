// Command guest is the worker tests' job module (GOOS=wasip1):
//
//	guest hash              sha256 of stdin and the args, in hex
//	guest spin N            N rounds of busy arithmetic, then the result
//	guest steps N           N steps of ~20 ms each, checkpointed after each
//	                        step in ./checkpoint, so a restart continues
//	guest fail              exits 3
package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: guest hash|spin N|steps N|fail")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "hash":
		in, _ := io.ReadAll(os.Stdin)
		h := sha256.New()
		h.Write(in)
		h.Write([]byte(strings.Join(os.Args[2:], "\x00")))
		fmt.Printf("%x\n", h.Sum(nil))
	case "spin":
		n, _ := strconv.Atoi(os.Args[2])
		fmt.Println(spin(uint64(n)))
	case "steps":
		n, _ := strconv.Atoi(os.Args[2])
		step, acc := 0, uint64(1)
		if b, err := os.ReadFile("checkpoint"); err == nil {
			fmt.Sscanf(string(b), "%d %d", &step, &acc)
		}
		for ; step < n; step++ {
			acc = spin(acc%1000 + 2_000_000)
			tmp := "checkpoint.tmp"
			os.WriteFile(tmp, []byte(fmt.Sprintf("%d %d", step+1, acc)), 0o600)
			os.Rename(tmp, "checkpoint")
		}
		fmt.Println(acc)
	case "fail":
		fmt.Fprintln(os.Stderr, "failing on purpose")
		os.Exit(3)
	}
}

func spin(n uint64) uint64 {
	x := n
	for i := uint64(0); i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}
