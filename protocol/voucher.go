package protocol

// Voucher is the coordinator's EIP-712 signed statement "Account has earned
// CumulativeAmount in total" for one RewardPool on one chain. Claiming it
// pays CumulativeAmount minus what was already claimed, so an old voucher
// replays harmlessly.
type Voucher struct {
	Account          string `json:"account"`           // 0x-hex address
	CumulativeAmount string `json:"cumulative_amount"` // base units, decimal
	ChainID          uint64 `json:"chain_id"`
	RewardPool       string `json:"reward_pool"` // verifying contract, 0x-hex
	Signature        string `json:"signature"`   // 0x-hex, 65 bytes (r, s, v)
}
