// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package bindings

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// StakingMetaData contains all meta data concerning the Staking contract.
var StakingMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"token_\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"cooldown_\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"slasher_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"treasury_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"releaseAt\",\"type\":\"uint64\"}],\"name\":\"CooldownNotOver\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"staked\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"requested\",\"type\":\"uint256\"}],\"name\":\"InsufficientStake\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotOwner\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotSlasher\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"node\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"evidence\",\"type\":\"bytes\"}],\"name\":\"Slashed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"slasher\",\"type\":\"address\"}],\"name\":\"SlasherChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"node\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Staked\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"node\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"releaseAt\",\"type\":\"uint64\"}],\"name\":\"UnstakeRequested\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"node\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"cooldown\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"requestUnstake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"slasher_\",\"type\":\"address\"}],\"name\":\"setSlasher\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"node\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"evidence\",\"type\":\"bytes\"}],\"name\":\"slash\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"slasher\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"stake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"stakeOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"token\",\"outputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalStaked\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"treasury\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"unstakeOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"releaseAt\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "Staking",
	Bin: "0x610100604052348015610010575f5ffd5b50604051610cd3380380610cd383398101604081905261002f916100fd565b6001600160a01b038416158061004c57506001600160a01b038216155b8061005e57506001600160a01b038116155b1561007c5760405163d92e233d60e01b815260040160405180910390fd5b6001600160a01b038481166080526001600160401b03841660a0523360c0525f80546001600160a01b031916848316908117825591831660e0526040517ff85ff5ed6f4d61948b4e3c5918be028066c0de26cd5ac7cbd993f81fa9cdec289190a250505050610164565b6001600160a01b03811681146100fa575f5ffd5b50565b5f5f5f5f60808587031215610110575f5ffd5b845161011b816100e6565b60208601519094506001600160401b0381168114610137575f5ffd5b6040860151909350610148816100e6565b6060860151909250610159816100e6565b939692955090935050565b60805160a05160c05160e051610b126101c15f395f818161017101526108be01525f81816101f9015261066101525f81816101b0015261034301525f818161026b015281816104da0152818161061f01526108ed0152610b125ff3fe608060405234801561000f575f5ffd5b50600436106100cb575f3560e01c8063817b1cd211610088578063aabc249611610063578063aabc24961461022e578063b134427114610241578063bd2d032714610253578063fc0c546a14610266575f5ffd5b8063817b1cd2146101eb5780638da5cb5b146101f4578063a694fc3a1461021b575f5ffd5b806323095721146100cf5780633ccfd60b146100e457806342623360146100ec5780634f3901e81461011e57806361d027b31461016c578063787a08a6146101ab575b5f5ffd5b6100e26100dd36600461097c565b61028d565b005b6100e26103cc565b61010b6100fa3660046109ae565b60016020525f908152604090205481565b6040519081526020015b60405180910390f35b61014e61012c3660046109ae565b60026020525f90815260409020805460019091015467ffffffffffffffff1682565b6040805192835267ffffffffffffffff909116602083015201610115565b6101937f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b039091168152602001610115565b6101d27f000000000000000000000000000000000000000000000000000000000000000081565b60405167ffffffffffffffff9091168152602001610115565b61010b60035481565b6101937f000000000000000000000000000000000000000000000000000000000000000081565b6100e261022936600461097c565b61056d565b6100e261023c3660046109ae565b610656565b5f54610193906001600160a01b031681565b6100e26102613660046109ce565b61070d565b6101937f000000000000000000000000000000000000000000000000000000000000000081565b805f036102ad57604051631f2a200560e01b815260040160405180910390fd5b335f90815260016020526040902054808211156102ec576040516322df051360e11b815260048101829052602481018390526044015b60405180910390fd5b335f908152600160205260408120838303905560038054849290610311908490610a65565b9091555050335f908152600260205260408120805490918491839190610338908490610a7e565b9091555061036890507f000000000000000000000000000000000000000000000000000000000000000042610a91565b60018201805467ffffffffffffffff191667ffffffffffffffff92909216918217905560408051858152602081019290925233917f21020437c0e4b58b34bd7ac1f1cef55e7820d1bcd93824ceb273cad96eea704c910160405180910390a2505050565b335f9081526002602090815260408083208151808301909252805480835260019091015467ffffffffffffffff1692820192909252910361042057604051630686827b60e51b815260040160405180910390fd5b806020015167ffffffffffffffff16421015610461576020810151604051631ac889b760e01b815267ffffffffffffffff90911660048201526024016102e3565b335f8181526002602090815260408083209283556001909201805467ffffffffffffffff19169055835191519182527f7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d5910160405180910390a2805160405163a9059cbb60e01b815233600482015260248101919091527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03169063a9059cbb906044015b6020604051808303815f875af1158015610529573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061054d9190610ab1565b61056a576040516312171d8360e31b815260040160405180910390fd5b50565b805f0361058d57604051631f2a200560e01b815260040160405180910390fd5b335f90815260016020526040812080548392906105ab908490610a7e565b925050819055508060035f8282546105c39190610a7e565b909155505060405181815233907f9e71bc8eea02a63969f509818f2dafb9254532904319f9dbda79b67bd34a5f3d9060200160405180910390a26040516323b872dd60e01b8152336004820152306024820152604481018290527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316906323b872dd9060640161050d565b336001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000161461069f576040516330cd747160e01b815260040160405180910390fd5b6001600160a01b0381166106c65760405163d92e233d60e01b815260040160405180910390fd5b5f80546001600160a01b0319166001600160a01b038316908117825560405190917ff85ff5ed6f4d61948b4e3c5918be028066c0de26cd5ac7cbd993f81fa9cdec2891a250565b5f546001600160a01b031633146107375760405163dabc4ad960e01b815260040160405180910390fd5b825f0361075757604051631f2a200560e01b815260040160405180910390fd5b6001600160a01b0384165f908152600160209081526040808320546002909252909120546107858183610a7e565b8511156107ba576107968183610a7e565b6040516322df051360e11b81526004810191909152602481018690526044016102e3565b818511610803576107cb8583610a65565b6001600160a01b0387165f90815260016020526040812091909155600380548792906107f8908490610a65565b909155506108629050565b6001600160a01b0386165f9081526001602052604081208190556003805484929061082f908490610a65565b9091555061083f90508286610a65565b6108499082610a65565b6001600160a01b0387165f908152600260205260409020555b856001600160a01b03167f1a0a5c81c2e13153fb1f989295e0deca0190f3c9b856051229e7985a71c1cfb286868660405161089f93929190610ad0565b60405180910390a260405163a9059cbb60e01b81526001600160a01b037f000000000000000000000000000000000000000000000000000000000000000081166004830152602482018790527f0000000000000000000000000000000000000000000000000000000000000000169063a9059cbb906044016020604051808303815f875af1158015610933573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906109579190610ab1565b610974576040516312171d8360e31b815260040160405180910390fd5b505050505050565b5f6020828403121561098c575f5ffd5b5035919050565b80356001600160a01b03811681146109a9575f5ffd5b919050565b5f602082840312156109be575f5ffd5b6109c782610993565b9392505050565b5f5f5f5f606085870312156109e1575f5ffd5b6109ea85610993565b935060208501359250604085013567ffffffffffffffff811115610a0c575f5ffd5b8501601f81018713610a1c575f5ffd5b803567ffffffffffffffff811115610a32575f5ffd5b876020828401011115610a43575f5ffd5b949793965060200194505050565b634e487b7160e01b5f52601160045260245ffd5b81810381811115610a7857610a78610a51565b92915050565b80820180821115610a7857610a78610a51565b67ffffffffffffffff8181168382160190811115610a7857610a78610a51565b5f60208284031215610ac1575f5ffd5b815180151581146109c7575f5ffd5b83815260406020820152816040820152818360608301375f818301606090810191909152601f909201601f191601019291505056fea164736f6c634300081e000a",
}

// Staking is an auto generated Go binding around an Ethereum contract.
type Staking struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Staking) GetABI() abi.ABI {
	return c.abi
}

// NewStaking creates a new instance of Staking.
func NewStaking() *Staking {
	parsed, err := StakingMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Staking{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Staking) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address token_, uint64 cooldown_, address slasher_, address treasury_) returns()
func (staking *Staking) PackConstructor(token_ common.Address, cooldown_ uint64, slasher_ common.Address, treasury_ common.Address) []byte {
	enc, err := staking.abi.Pack("", token_, cooldown_, slasher_, treasury_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackCooldown is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x787a08a6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function cooldown() view returns(uint64)
func (staking *Staking) PackCooldown() []byte {
	enc, err := staking.abi.Pack("cooldown")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCooldown is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x787a08a6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function cooldown() view returns(uint64)
func (staking *Staking) TryPackCooldown() ([]byte, error) {
	return staking.abi.Pack("cooldown")
}

// UnpackCooldown is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x787a08a6.
//
// Solidity: function cooldown() view returns(uint64)
func (staking *Staking) UnpackCooldown(data []byte) (uint64, error) {
	out, err := staking.abi.Unpack("cooldown", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (staking *Staking) PackOwner() []byte {
	enc, err := staking.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (staking *Staking) TryPackOwner() ([]byte, error) {
	return staking.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (staking *Staking) UnpackOwner(data []byte) (common.Address, error) {
	out, err := staking.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRequestUnstake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23095721.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function requestUnstake(uint256 amount) returns()
func (staking *Staking) PackRequestUnstake(amount *big.Int) []byte {
	enc, err := staking.abi.Pack("requestUnstake", amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRequestUnstake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23095721.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function requestUnstake(uint256 amount) returns()
func (staking *Staking) TryPackRequestUnstake(amount *big.Int) ([]byte, error) {
	return staking.abi.Pack("requestUnstake", amount)
}

// PackSetSlasher is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xaabc2496.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setSlasher(address slasher_) returns()
func (staking *Staking) PackSetSlasher(slasher common.Address) []byte {
	enc, err := staking.abi.Pack("setSlasher", slasher)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetSlasher is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xaabc2496.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setSlasher(address slasher_) returns()
func (staking *Staking) TryPackSetSlasher(slasher common.Address) ([]byte, error) {
	return staking.abi.Pack("setSlasher", slasher)
}

// PackSlash is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbd2d0327.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function slash(address node, uint256 amount, bytes evidence) returns()
func (staking *Staking) PackSlash(node common.Address, amount *big.Int, evidence []byte) []byte {
	enc, err := staking.abi.Pack("slash", node, amount, evidence)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSlash is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbd2d0327.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function slash(address node, uint256 amount, bytes evidence) returns()
func (staking *Staking) TryPackSlash(node common.Address, amount *big.Int, evidence []byte) ([]byte, error) {
	return staking.abi.Pack("slash", node, amount, evidence)
}

// PackSlasher is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb1344271.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function slasher() view returns(address)
func (staking *Staking) PackSlasher() []byte {
	enc, err := staking.abi.Pack("slasher")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSlasher is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb1344271.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function slasher() view returns(address)
func (staking *Staking) TryPackSlasher() ([]byte, error) {
	return staking.abi.Pack("slasher")
}

// UnpackSlasher is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb1344271.
//
// Solidity: function slasher() view returns(address)
func (staking *Staking) UnpackSlasher(data []byte) (common.Address, error) {
	out, err := staking.abi.Unpack("slasher", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa694fc3a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stake(uint256 amount) returns()
func (staking *Staking) PackStake(amount *big.Int) []byte {
	enc, err := staking.abi.Pack("stake", amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa694fc3a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stake(uint256 amount) returns()
func (staking *Staking) TryPackStake(amount *big.Int) ([]byte, error) {
	return staking.abi.Pack("stake", amount)
}

// PackStakeOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42623360.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stakeOf(address ) view returns(uint256)
func (staking *Staking) PackStakeOf(arg0 common.Address) []byte {
	enc, err := staking.abi.Pack("stakeOf", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStakeOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42623360.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stakeOf(address ) view returns(uint256)
func (staking *Staking) TryPackStakeOf(arg0 common.Address) ([]byte, error) {
	return staking.abi.Pack("stakeOf", arg0)
}

// UnpackStakeOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x42623360.
//
// Solidity: function stakeOf(address ) view returns(uint256)
func (staking *Staking) UnpackStakeOf(data []byte) (*big.Int, error) {
	out, err := staking.abi.Unpack("stakeOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfc0c546a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function token() view returns(address)
func (staking *Staking) PackToken() []byte {
	enc, err := staking.abi.Pack("token")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfc0c546a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function token() view returns(address)
func (staking *Staking) TryPackToken() ([]byte, error) {
	return staking.abi.Pack("token")
}

// UnpackToken is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfc0c546a.
//
// Solidity: function token() view returns(address)
func (staking *Staking) UnpackToken(data []byte) (common.Address, error) {
	out, err := staking.abi.Unpack("token", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackTotalStaked is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x817b1cd2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalStaked() view returns(uint256)
func (staking *Staking) PackTotalStaked() []byte {
	enc, err := staking.abi.Pack("totalStaked")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalStaked is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x817b1cd2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalStaked() view returns(uint256)
func (staking *Staking) TryPackTotalStaked() ([]byte, error) {
	return staking.abi.Pack("totalStaked")
}

// UnpackTotalStaked is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x817b1cd2.
//
// Solidity: function totalStaked() view returns(uint256)
func (staking *Staking) UnpackTotalStaked(data []byte) (*big.Int, error) {
	out, err := staking.abi.Unpack("totalStaked", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTreasury is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x61d027b3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function treasury() view returns(address)
func (staking *Staking) PackTreasury() []byte {
	enc, err := staking.abi.Pack("treasury")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTreasury is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x61d027b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function treasury() view returns(address)
func (staking *Staking) TryPackTreasury() ([]byte, error) {
	return staking.abi.Pack("treasury")
}

// UnpackTreasury is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x61d027b3.
//
// Solidity: function treasury() view returns(address)
func (staking *Staking) UnpackTreasury(data []byte) (common.Address, error) {
	out, err := staking.abi.Unpack("treasury", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackUnstakeOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4f3901e8.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function unstakeOf(address ) view returns(uint256 amount, uint64 releaseAt)
func (staking *Staking) PackUnstakeOf(arg0 common.Address) []byte {
	enc, err := staking.abi.Pack("unstakeOf", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUnstakeOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4f3901e8.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function unstakeOf(address ) view returns(uint256 amount, uint64 releaseAt)
func (staking *Staking) TryPackUnstakeOf(arg0 common.Address) ([]byte, error) {
	return staking.abi.Pack("unstakeOf", arg0)
}

// UnstakeOfOutput serves as a container for the return parameters of contract
// method UnstakeOf.
type UnstakeOfOutput struct {
	Amount    *big.Int
	ReleaseAt uint64
}

// UnpackUnstakeOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4f3901e8.
//
// Solidity: function unstakeOf(address ) view returns(uint256 amount, uint64 releaseAt)
func (staking *Staking) UnpackUnstakeOf(data []byte) (UnstakeOfOutput, error) {
	out, err := staking.abi.Unpack("unstakeOf", data)
	outstruct := new(UnstakeOfOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Amount = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.ReleaseAt = *abi.ConvertType(out[1], new(uint64)).(*uint64)
	return *outstruct, nil
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3ccfd60b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw() returns()
func (staking *Staking) PackWithdraw() []byte {
	enc, err := staking.abi.Pack("withdraw")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3ccfd60b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw() returns()
func (staking *Staking) TryPackWithdraw() ([]byte, error) {
	return staking.abi.Pack("withdraw")
}

// StakingSlashed represents a Slashed event raised by the Staking contract.
type StakingSlashed struct {
	Node     common.Address
	Amount   *big.Int
	Evidence []byte
	Raw      *types.Log // Blockchain specific contextual infos
}

const StakingSlashedEventName = "Slashed"

// ContractEventName returns the user-defined event name.
func (StakingSlashed) ContractEventName() string {
	return StakingSlashedEventName
}

// UnpackSlashedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Slashed(address indexed node, uint256 amount, bytes evidence)
func (staking *Staking) UnpackSlashedEvent(log *types.Log) (*StakingSlashed, error) {
	event := "Slashed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != staking.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(StakingSlashed)
	if len(log.Data) > 0 {
		if err := staking.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range staking.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// StakingSlasherChanged represents a SlasherChanged event raised by the Staking contract.
type StakingSlasherChanged struct {
	Slasher common.Address
	Raw     *types.Log // Blockchain specific contextual infos
}

const StakingSlasherChangedEventName = "SlasherChanged"

// ContractEventName returns the user-defined event name.
func (StakingSlasherChanged) ContractEventName() string {
	return StakingSlasherChangedEventName
}

// UnpackSlasherChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event SlasherChanged(address indexed slasher)
func (staking *Staking) UnpackSlasherChangedEvent(log *types.Log) (*StakingSlasherChanged, error) {
	event := "SlasherChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != staking.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(StakingSlasherChanged)
	if len(log.Data) > 0 {
		if err := staking.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range staking.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// StakingStaked represents a Staked event raised by the Staking contract.
type StakingStaked struct {
	Node   common.Address
	Amount *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const StakingStakedEventName = "Staked"

// ContractEventName returns the user-defined event name.
func (StakingStaked) ContractEventName() string {
	return StakingStakedEventName
}

// UnpackStakedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Staked(address indexed node, uint256 amount)
func (staking *Staking) UnpackStakedEvent(log *types.Log) (*StakingStaked, error) {
	event := "Staked"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != staking.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(StakingStaked)
	if len(log.Data) > 0 {
		if err := staking.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range staking.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// StakingUnstakeRequested represents a UnstakeRequested event raised by the Staking contract.
type StakingUnstakeRequested struct {
	Node      common.Address
	Amount    *big.Int
	ReleaseAt uint64
	Raw       *types.Log // Blockchain specific contextual infos
}

const StakingUnstakeRequestedEventName = "UnstakeRequested"

// ContractEventName returns the user-defined event name.
func (StakingUnstakeRequested) ContractEventName() string {
	return StakingUnstakeRequestedEventName
}

// UnpackUnstakeRequestedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event UnstakeRequested(address indexed node, uint256 amount, uint64 releaseAt)
func (staking *Staking) UnpackUnstakeRequestedEvent(log *types.Log) (*StakingUnstakeRequested, error) {
	event := "UnstakeRequested"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != staking.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(StakingUnstakeRequested)
	if len(log.Data) > 0 {
		if err := staking.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range staking.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// StakingWithdrawn represents a Withdrawn event raised by the Staking contract.
type StakingWithdrawn struct {
	Node   common.Address
	Amount *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const StakingWithdrawnEventName = "Withdrawn"

// ContractEventName returns the user-defined event name.
func (StakingWithdrawn) ContractEventName() string {
	return StakingWithdrawnEventName
}

// UnpackWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Withdrawn(address indexed node, uint256 amount)
func (staking *Staking) UnpackWithdrawnEvent(log *types.Log) (*StakingWithdrawn, error) {
	event := "Withdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != staking.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(StakingWithdrawn)
	if len(log.Data) > 0 {
		if err := staking.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range staking.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (staking *Staking) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], staking.abi.Errors["CooldownNotOver"].ID.Bytes()[:4]) {
		return staking.UnpackCooldownNotOverError(raw[4:])
	}
	if bytes.Equal(raw[:4], staking.abi.Errors["InsufficientStake"].ID.Bytes()[:4]) {
		return staking.UnpackInsufficientStakeError(raw[4:])
	}
	if bytes.Equal(raw[:4], staking.abi.Errors["NotOwner"].ID.Bytes()[:4]) {
		return staking.UnpackNotOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], staking.abi.Errors["NotSlasher"].ID.Bytes()[:4]) {
		return staking.UnpackNotSlasherError(raw[4:])
	}
	if bytes.Equal(raw[:4], staking.abi.Errors["NothingToWithdraw"].ID.Bytes()[:4]) {
		return staking.UnpackNothingToWithdrawError(raw[4:])
	}
	if bytes.Equal(raw[:4], staking.abi.Errors["TransferFailed"].ID.Bytes()[:4]) {
		return staking.UnpackTransferFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], staking.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return staking.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], staking.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return staking.UnpackZeroAmountError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// StakingCooldownNotOver represents a CooldownNotOver error raised by the Staking contract.
type StakingCooldownNotOver struct {
	ReleaseAt uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error CooldownNotOver(uint64 releaseAt)
func StakingCooldownNotOverErrorID() common.Hash {
	return common.HexToHash("0x1ac889b7d6d578892d11c4abb9fa8f6a7c65bc986cbc5065a90ddf88fefe4648")
}

// UnpackCooldownNotOverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error CooldownNotOver(uint64 releaseAt)
func (staking *Staking) UnpackCooldownNotOverError(raw []byte) (*StakingCooldownNotOver, error) {
	out := new(StakingCooldownNotOver)
	if err := staking.abi.UnpackIntoInterface(out, "CooldownNotOver", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// StakingInsufficientStake represents a InsufficientStake error raised by the Staking contract.
type StakingInsufficientStake struct {
	Staked    *big.Int
	Requested *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InsufficientStake(uint256 staked, uint256 requested)
func StakingInsufficientStakeErrorID() common.Hash {
	return common.HexToHash("0x45be0a261a88f9fedc41221879f08865d5e8d6053c877967e6e8e39e5697e6d5")
}

// UnpackInsufficientStakeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InsufficientStake(uint256 staked, uint256 requested)
func (staking *Staking) UnpackInsufficientStakeError(raw []byte) (*StakingInsufficientStake, error) {
	out := new(StakingInsufficientStake)
	if err := staking.abi.UnpackIntoInterface(out, "InsufficientStake", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// StakingNotOwner represents a NotOwner error raised by the Staking contract.
type StakingNotOwner struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOwner()
func StakingNotOwnerErrorID() common.Hash {
	return common.HexToHash("0x30cd74712f59d478562d48e2d35de830db72c60a63dd08ae59199eec990b5bc4")
}

// UnpackNotOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOwner()
func (staking *Staking) UnpackNotOwnerError(raw []byte) (*StakingNotOwner, error) {
	out := new(StakingNotOwner)
	if err := staking.abi.UnpackIntoInterface(out, "NotOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// StakingNotSlasher represents a NotSlasher error raised by the Staking contract.
type StakingNotSlasher struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotSlasher()
func StakingNotSlasherErrorID() common.Hash {
	return common.HexToHash("0xdabc4ad974f0b1bfe08ddf989aab2789a89f58c74576a83c5e483ffd3622529c")
}

// UnpackNotSlasherError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotSlasher()
func (staking *Staking) UnpackNotSlasherError(raw []byte) (*StakingNotSlasher, error) {
	out := new(StakingNotSlasher)
	if err := staking.abi.UnpackIntoInterface(out, "NotSlasher", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// StakingNothingToWithdraw represents a NothingToWithdraw error raised by the Staking contract.
type StakingNothingToWithdraw struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToWithdraw()
func StakingNothingToWithdrawErrorID() common.Hash {
	return common.HexToHash("0xd0d04f60bf4f7629141a1f00f5d2908fa0f3e15bf4cbf8bb8edc6fcbdf2509fa")
}

// UnpackNothingToWithdrawError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToWithdraw()
func (staking *Staking) UnpackNothingToWithdrawError(raw []byte) (*StakingNothingToWithdraw, error) {
	out := new(StakingNothingToWithdraw)
	if err := staking.abi.UnpackIntoInterface(out, "NothingToWithdraw", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// StakingTransferFailed represents a TransferFailed error raised by the Staking contract.
type StakingTransferFailed struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TransferFailed()
func StakingTransferFailedErrorID() common.Hash {
	return common.HexToHash("0x90b8ec1877afffd816d05d9b13947f3ff18ec5851c38bad15ec2b710f92391b1")
}

// UnpackTransferFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TransferFailed()
func (staking *Staking) UnpackTransferFailedError(raw []byte) (*StakingTransferFailed, error) {
	out := new(StakingTransferFailed)
	if err := staking.abi.UnpackIntoInterface(out, "TransferFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// StakingZeroAddress represents a ZeroAddress error raised by the Staking contract.
type StakingZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func StakingZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (staking *Staking) UnpackZeroAddressError(raw []byte) (*StakingZeroAddress, error) {
	out := new(StakingZeroAddress)
	if err := staking.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// StakingZeroAmount represents a ZeroAmount error raised by the Staking contract.
type StakingZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func StakingZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (staking *Staking) UnpackZeroAmountError(raw []byte) (*StakingZeroAmount, error) {
	out := new(StakingZeroAmount)
	if err := staking.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}
