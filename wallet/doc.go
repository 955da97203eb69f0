// Package wallet is the node's wallet: one secp256k1 key in a go-ethereum
// scrypt keystore file whose passphrase lives in the OS keyring, and a
// client of the network's chain over JSON-RPC for balances, reward claims,
// staking and transfers.
//
// A wallet is a directory given by the caller (the node passes its data
// dir):
//
//	keystore.json  the encrypted key (go-ethereum keystore v3, scrypt)
//	wallet.json    address and optional receive-only payout address
//	history.json   this wallet's transactions and their status
//
// Decrypted keys live only for the duration of one operation and are
// zeroed afterwards; no key or passphrase reaches a log, a file in clear or
// an error message. Token amounts are *big.Int in base units.
package wallet
