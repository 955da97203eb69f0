//go:build !linux

package localapi

import "net"

// peerAllowed trusts the socket's owner-only permissions where the OS does
// not tell who is calling.
func peerAllowed(c net.Conn) bool { return true }
