package sandbox

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// WASI errno values used by the shadowed functions.
const (
	errnoSuccess = 0
	errnoFault   = 21
	errnoInval   = 28
)

// pollOneoff is WASI's poll_oneoff over deterministic clocks. A job's
// descriptors are files and pipes, which are always ready: when any
// descriptor is subscribed, those subscriptions are reported ready at once.
// Otherwise (clocks only: a sleep) the clocks jump to the earliest deadline
// and those subscriptions fire, without waiting.
func pollOneoff(mem []byte, clocks *[4]uint64, in, out, nsubs, neventsPtr int32) int32 {
	const subSize, eventSize = 48, 32
	const tagClock = 0
	if nsubs <= 0 {
		return errnoInval
	}
	subs, ok := span(mem, in, int64(nsubs)*subSize)
	if !ok {
		return errnoFault
	}
	events, ok := span(mem, out, int64(nsubs)*eventSize)
	if !ok {
		return errnoFault
	}
	nevents, ok := span(mem, neventsPtr, 4)
	if !ok {
		return errnoFault
	}
	type sub struct {
		userdata [8]byte
		tag      byte
		delay    uint64
	}
	all := make([]sub, nsubs)
	anyFD := false
	for i := range all {
		b := subs[i*subSize : (i+1)*subSize]
		s := sub{userdata: [8]byte(b[0:8]), tag: b[8]}
		switch s.tag {
		case tagClock:
			id := binary.LittleEndian.Uint32(b[16:])
			if int(id) >= len(clocks) {
				return errnoInval
			}
			s.delay = binary.LittleEndian.Uint64(b[24:])
			if binary.LittleEndian.Uint16(b[40:])&1 != 0 { // absolute time
				s.delay = max(s.delay, clocks[id]) - clocks[id]
			}
		case 1, 2: // fd_read, fd_write
			anyFD = true
		default:
			return errnoInval
		}
		all[i] = s
	}
	var ready []sub // gathered before writing: events may overlap subscriptions
	if anyFD {
		for _, s := range all {
			if s.tag != tagClock {
				ready = append(ready, s)
			}
		}
	} else {
		d := slices.MinFunc(all, func(a, b sub) int { return cmp.Compare(a.delay, b.delay) }).delay
		clocks[0] += d
		clocks[1] += d
		for _, s := range all {
			if s.delay == d {
				ready = append(ready, s)
			}
		}
	}
	for n, s := range ready {
		ev := events[n*eventSize : (n+1)*eventSize]
		clear(ev) // error 0, nbytes 0, flags 0
		copy(ev[0:8], s.userdata[:])
		ev[10] = s.tag
	}
	binary.LittleEndian.PutUint32(nevents, uint32(len(ready)))
	return errnoSuccess
}

// span is mem[ptr:ptr+n] if it lies inside mem.
func span(mem []byte, ptr int32, n int64) ([]byte, bool) {
	p := int64(uint32(ptr))
	if n < 0 || p+n > int64(len(mem)) {
		return nil, false
	}
	return mem[p : p+n], true
}
