// Package coordinator is the network side of idlenode: the HTTP API under
// /v1 (docs/openapi.yaml) where requesters submit jobs and nodes lease them,
// quorum validation with adaptive replication, the credit ledger, and the
// optional hooks into the chain (vouchers, stake, slashing).
//
// The server is embeddable: New(Config) builds it, Handler serves the API,
// Run starts the background work (lease expiry) and, when Config.Addr or
// Config.Listener is set, the HTTP server, until the context ends.
package coordinator
