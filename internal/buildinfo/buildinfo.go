// Package buildinfo says which build of idlenode is running. Packages set
// Version at link time:
//
//	go build -ldflags "-X github.com/idlenode/idlenode/internal/buildinfo.Version=1.2.0" ./cmd/...
//
// A plain `go build` reports "dev" and the commit Go recorded, if any.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is the release, set by the linker; "dev" otherwise.
var Version = "dev"

// String is the line a binary prints for --version, e.g.
// "idlectl 1.2.0 (go1.26.8 linux/amd64)" or
// "idlectl dev, commit 1a2b3c4d5e6f (modified) (go1.26.8 linux/amd64)".
func String(program string) string {
	v := Version
	if v == "dev" {
		if rev, modified := commit(); rev != "" {
			v += ", commit " + rev
			if modified {
				v += " (modified)"
			}
		}
	}
	return fmt.Sprintf("%s %s (%s %s/%s)", program, v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func commit() (rev string, modified bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", false
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
			if len(rev) > 12 {
				rev = rev[:12]
			}
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return rev, modified
}
