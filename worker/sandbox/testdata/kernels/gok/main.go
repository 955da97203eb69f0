// Command gok holds the sandbox's benchmark kernels in Go, built natively
// and for GOOS=wasip1 from this one source; the same algorithms and sizes
// as ../c/kernels.c. Usage: gok matmul|stencil|floyd|mandel|hash
package main

import (
	"fmt"
	"os"
)

var lcgState uint64 = 88172645463325252

func nextU32() uint32 {
	lcgState = lcgState*6364136223846793005 + 1442695040888963407
	return uint32(lcgState >> 33)
}

// Sizes as in ../c/kernels.c: 1.5-2.5 s natively, so the sandbox's fixed
// start stays out of the ratio.
const (
	mmN      = 1280
	mmRounds = 4
)

func matmul() {
	a := make([]float64, mmN*mmN)
	b := make([]float64, mmN*mmN)
	c := make([]float64, mmN*mmN)
	for i := range a {
		a[i] = float64(nextU32()%1000) / 1000
		b[i] = float64(nextU32()%1000) / 1000
	}
	for r := 0; r < mmRounds; r++ {
		for i := 0; i < mmN; i++ {
			ci := c[i*mmN : (i+1)*mmN]
			for k := 0; k < mmN; k++ {
				aik := a[i*mmN+k]
				bk := b[k*mmN : (k+1)*mmN]
				for j := range ci {
					ci[j] += aik * bk[j]
				}
			}
		}
	}
	sum := 0.0
	for i := 0; i < mmN; i++ {
		for j := 0; j < mmN; j++ {
			sum += c[i*mmN+j] * float64((i+j)%7)
		}
	}
	fmt.Printf("matmul %.6f\n", sum)
}

const (
	stN     = 1024
	stSteps = 1200
)

func stencil() {
	a := make([]float64, stN*stN)
	b := make([]float64, stN*stN)
	for i := range a {
		a[i] = float64(nextU32() % 100)
		b[i] = a[i]
	}
	step := func(dst, src []float64) {
		for i := 1; i < stN-1; i++ {
			up, row, down, out := src[(i-1)*stN:i*stN], src[i*stN:(i+1)*stN], src[(i+1)*stN:(i+2)*stN], dst[i*stN:(i+1)*stN]
			for j := 1; j < stN-1; j++ {
				out[j] = 0.2 * (row[j] + up[j] + down[j] + row[j-1] + row[j+1])
			}
		}
	}
	for t := 0; t < stSteps; t++ {
		step(b, a)
		step(a, b)
	}
	sum := 0.0
	for _, v := range a {
		sum += v
	}
	fmt.Printf("stencil %.6f\n", sum)
}

const fwN = 1600

func floyd() {
	d := make([]int32, fwN*fwN)
	for i := 0; i < fwN; i++ {
		for j := 0; j < fwN; j++ {
			if i == j {
				d[i*fwN+j] = 0
			} else {
				d[i*fwN+j] = int32(nextU32()%1000 + 1)
			}
		}
	}
	for k := 0; k < fwN; k++ {
		dk := d[k*fwN : (k+1)*fwN]
		for i := 0; i < fwN; i++ {
			di := d[i*fwN : (i+1)*fwN]
			ik := di[k]
			for j, kj := range dk {
				if s := ik + kj; s < di[j] {
					di[j] = s
				}
			}
		}
	}
	var sum int64
	for _, v := range d {
		sum += int64(v)
	}
	fmt.Printf("floyd %d\n", sum)
}

const (
	mbW    = 3200
	mbH    = 2400
	mbIter = 512
)

func mandel() {
	var total int64
	for y := 0; y < mbH; y++ {
		ci := -1.2 + 2.4*float64(y)/mbH
		for x := 0; x < mbW; x++ {
			cr := -2.1 + 3.0*float64(x)/mbW
			zr, zi := 0.0, 0.0
			n := 0
			for n < mbIter && zr*zr+zi*zi <= 4.0 {
				zr, zi = zr*zr-zi*zi+cr, 2*zr*zi+ci
				n++
			}
			total += int64(n)
		}
	}
	fmt.Printf("mandel %d\n", total)
}

const (
	hashBytes  = 64 << 20
	hashPasses = 24
)

func hash() {
	buf := make([]byte, hashBytes)
	for i := 0; i < hashBytes; i += 4 {
		v := nextU32()
		buf[i], buf[i+1], buf[i+2], buf[i+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	h := uint64(14695981039346656037)
	for p := 0; p < hashPasses; p++ {
		for _, c := range buf {
			h ^= uint64(c)
			h *= 1099511628211
		}
	}
	fmt.Printf("hash %016x\n", h)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gok matmul|stencil|floyd|mandel|hash")
		os.Exit(64)
	}
	switch os.Args[1] {
	case "matmul":
		matmul()
	case "stencil":
		stencil()
	case "floyd":
		floyd()
	case "mandel":
		mandel()
	case "hash":
		hash()
	default:
		fmt.Fprintln(os.Stderr, "unknown kernel", os.Args[1])
		os.Exit(64)
	}
}
