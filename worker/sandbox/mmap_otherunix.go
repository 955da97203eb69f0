//go:build unix && !linux

package sandbox

const mapPopulate = 0

// fdDir names an open descriptor as a path.
const fdDir = "/dev/fd/"
