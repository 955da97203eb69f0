package instrument

import (
	"errors"
	"fmt"
)

// reader decodes the binary format. The first error sticks: later reads
// return zero values, so callers check err once after a run of reads.
type reader struct {
	b   []byte
	off int
	err error
}

var errEOF = errors.New("unexpected end")

func (r *reader) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("at byte %d: "+format, append([]any{r.off}, a...)...)
	}
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.err = errEOF
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err = errEOF
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

// uleb reads an unsigned LEB128 of at most maxBytes bytes holding bits bits.
func (r *reader) uleb(maxBytes, bits int) uint64 {
	var v uint64
	for i := 0; i < maxBytes; i++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if i == maxBytes-1 && bits < 64 && c>>(bits-7*i) != 0 {
				r.fail("integer too large")
			}
			return v
		}
	}
	r.fail("integer representation too long")
	return 0
}

func (r *reader) u32() uint32 { return uint32(r.uleb(5, 32)) }

// count reads the length of a vector, which cannot exceed the bytes left.
func (r *reader) count() uint32 {
	n := r.u32()
	if r.err == nil && int64(n) > int64(len(r.b)-r.off) {
		r.fail("count %d past the end", n)
		return 0
	}
	return n
}

// end reports the section's first decoding error, or bytes left over, as
// ErrMalformed.
func (r *reader) end(section string) error {
	if r.err == nil && r.off != len(r.b) {
		r.fail("stray bytes")
	}
	if r.err != nil {
		return fmt.Errorf("%w: %s section: %v", ErrMalformed, section, r.err)
	}
	return nil
}

// sleb skips a signed LEB128 of at most maxBytes bytes and reports its
// first byte.
func (r *reader) sleb(maxBytes int) byte {
	first := byte(0)
	for i := 0; i < maxBytes; i++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		if i == 0 {
			first = c
		}
		if c&0x80 == 0 {
			return first
		}
	}
	r.fail("integer representation too long")
	return 0
}

// Value types the sandbox's engine accepts in signatures and locals.
func isValtype(c byte) bool {
	switch c {
	case 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f: // i32 i64 f32 f64 v128 funcref externref
		return true
	}
	return false
}

// valtype reads a value type; typed references (GC and function
// references) are unsupported.
func (r *reader) valtype() error {
	c := r.byte()
	if r.err == nil && !isValtype(c) {
		return fmt.Errorf("%w: value type 0x%02x", ErrUnsupported, c)
	}
	return nil
}

// valtypes reads a vector of value types and returns its length.
func (r *reader) valtypes() (uint32, error) {
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		if err := r.valtype(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// blockType reads a block type: empty, a value type, or a type index.
func (r *reader) blockType() {
	if r.off < len(r.b) {
		if c := r.b[r.off]; c == 0x40 || isValtype(c) {
			r.off++
			return
		}
	}
	if first := r.sleb(5); r.err == nil && first&0xc0 == 0x40 {
		// A negative single-byte value: a value type we do not know.
		r.fail("block type 0x%02x", first)
	}
}

// memarg reads a memory argument: alignment (bit 6: a memory index
// follows) and offset (64-bit for memory64).
func (r *reader) memarg() {
	align := r.u32()
	if align&0x40 != 0 {
		r.u32()
	}
	r.uleb(10, 64)
}

// appendU32 appends v as unsigned LEB128.
func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}
