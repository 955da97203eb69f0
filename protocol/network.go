package protocol

// Network describes one idlenode network: where its coordinator and chain
// are and which contracts hold its token, stake and rewards. It is the JSON
// file a node joins (`idlenode join FILE|URL`) and a requester points at
// (`idlectl --network FILE`).
type Network struct {
	Name           string `json:"name"`
	CoordinatorURL string `json:"coordinator_url"`
	ChainID        uint64 `json:"chain_id,omitempty"`
	RPCURL         string `json:"rpc_url,omitempty"`
	Token          string `json:"token,omitempty"`       // ERC-20 address, 0x-hex
	Staking        string `json:"staking,omitempty"`     // Staking contract address
	RewardPool     string `json:"reward_pool,omitempty"` // RewardPool contract address
	TokenSymbol    string `json:"token_symbol,omitempty"`
	TokenDecimals  int    `json:"token_decimals,omitempty"`
}
