// Package protocol holds the wire types shared by the node, the coordinator
// and the requester CLI: jobs, leases, results, vouchers and the network
// descriptor. It imports nothing of the node or the coordinator.
//
// Amounts of tokens are decimal strings of integers in the token's base
// unit on the wire and *big.Int in Go, never floats.
package protocol
