// Package contracts deploys and talks to the idlenode contracts
// (RewardToken, Staking, RewardPool; Solidity sources in contracts/src,
// compiled artifacts in contracts/build, Go bindings in contracts/bindings).
//
// It holds what both the wallet and the network side need: deployment,
// sending a transaction with gas estimation, nonce handling and waiting for
// the receipt, turning a revert into a readable reason, and the Operator
// that reads stake and slashes for the coordinator.
package contracts
