//go:build linux

package sandbox

import "syscall"

const mapPopulate = syscall.MAP_POPULATE

// fdDir names an open descriptor as a path.
const fdDir = "/proc/self/fd/"
