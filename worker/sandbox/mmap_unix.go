//go:build unix

package sandbox

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// mapFile maps path read-only (faulted in up front on Linux). Mapping
// instead of reading spares the copy and page faults of a fresh buffer,
// about half of a cached start for a large module. unmap must be called
// once the bytes are no longer used.
func mapFile(path string, maxBytes int64) (data []byte, unmap func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > maxBytes {
		return nil, nil, fmt.Errorf("%w: %s is %d bytes, more than %d", errTooLarge, path, fi.Size(), maxBytes)
	}
	if fi.Size() == 0 {
		return []byte{}, func() {}, nil
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE|mapPopulate)
	if err != nil {
		return nil, nil, fmt.Errorf("map %s: %w", path, err)
	}
	return data, func() { _ = syscall.Munmap(data) }, nil
}

// openVerifiable maps path for checking and returns a path naming the same
// open file (its descriptor), so that what is loaded is what was checked
// even if the name is replaced meanwhile.
func openVerifiable(path string, maxBytes int64) (data []byte, fdPath string, release func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, "", nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxBytes {
		f.Close()
		return nil, "", nil, fmt.Errorf("%s: not a regular file of at most %d bytes", path, maxBytes)
	}
	if fi.Size() == 0 {
		return []byte{}, fdDir + strconv.Itoa(int(f.Fd())), func() { f.Close() }, nil
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE|mapPopulate)
	if err != nil {
		f.Close()
		return nil, "", nil, fmt.Errorf("map %s: %w", path, err)
	}
	return data, fdDir + strconv.Itoa(int(f.Fd())), func() { _ = syscall.Munmap(data); f.Close() }, nil
}
