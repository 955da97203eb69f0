package sandbox

import (
	"strconv"

	"github.com/idlenode/idlenode/worker/sandbox/instrument"
)

// profileVersion counts changes to what a job can observe of the sandbox
// beyond WebAssembly's own semantics: the WASI functions it shadows
// (clocks, random numbers, poll_oneoff), its arguments and folders, and
// the module rewrite (which has its own version). Bump it with any such
// change.
const profileVersion = 1

// Profile names what a job can observe of this sandbox: two nodes with
// the same profile give the same output bytes for the same job. The node
// sends it with its capabilities, and the coordinator gives a job's
// replicas only to nodes of one profile, so that an upgrade that changes
// any of it never sets honest nodes of two versions against each other.
func Profile() string {
	return "idlenode-wasi-p1/" + strconv.Itoa(profileVersion) + ";" + instrument.Version
}
