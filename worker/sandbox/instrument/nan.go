package instrument

// simdNaN lists the SIMD instructions whose float vector result may hold a
// new NaN: the lane shape of their result, to canonicalise it as, and of
// the operands they take (they differ only for promote and demote). Each
// returns NaN in a lane where an operand lane is NaN.
var simdNaN = map[uint32]struct{ in, out siteKind }{}

func init() {
	for _, op := range []uint32{
		0x67, 0x68, 0x69, 0x6a, // f32x4.ceil floor trunc nearest
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, // sqrt add sub mul div min max
		0x105, 0x106, 0x10d, 0x10e, // relaxed_madd relaxed_nmadd relaxed_min relaxed_max
	} {
		simdNaN[op] = struct{ in, out siteKind }{canonF32x4, canonF32x4}
	}
	for _, op := range []uint32{
		0x74, 0x75, 0x7a, 0x94, // f64x2.ceil floor trunc nearest
		0xef, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, // sqrt add sub mul div min max
		0x107, 0x108, 0x10f, 0x110, // relaxed_madd relaxed_nmadd relaxed_min relaxed_max
	} {
		simdNaN[op] = struct{ in, out siteKind }{canonF64x2, canonF64x2}
	}
	simdNaN[0x5e] = struct{ in, out siteKind }{canonF64x2, canonF32x4} // f32x4.demote_f64x2_zero
	simdNaN[0x5f] = struct{ in, out siteKind }{canonF32x4, canonF64x2} // f64x2.promote_low_f32x4
}

// appendCanon appends the canonicalisation of the value on top of the
// stack into local's scratch locals.
func appendCanon(b []byte, k siteKind, local [numLocals]uint32) []byte {
	tee := func(b []byte, l uint32) []byte { return appendU32(append(b, 0x22), l) }
	get := func(b []byte, l uint32) []byte { return appendU32(append(b, 0x20), l) }
	switch k {
	case canonF32:
		b = tee(b, local[localF32])
		b = append(b, 0x43, 0x00, 0x00, 0xc0, 0x7f) // f32.const nan
		b = get(get(b, local[localF32]), local[localF32])
		return append(b, 0x5b, 0x1b) // f32.eq select
	case canonF64:
		b = tee(b, local[localF64])
		b = append(b, 0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f) // f64.const nan
		b = get(get(b, local[localF64]), local[localF64])
		return append(b, 0x61, 0x1b) // f64.eq select
	default:
		b = tee(b, local[localV128])
		b = append(b, 0xfd, 0x0c) // v128.const
		eq := byte(0x41)          // f32x4.eq
		if k == canonF32x4 {
			for i := 0; i < 4; i++ {
				b = append(b, 0x00, 0x00, 0xc0, 0x7f)
			}
		} else {
			eq = 0x47 // f64x2.eq
			for i := 0; i < 2; i++ {
				b = append(b, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f)
			}
		}
		b = get(get(b, local[localV128]), local[localV128])
		return append(b, 0xfd, eq, 0xfd, 0x52) // fNxM.eq v128.bitselect
	}
}
