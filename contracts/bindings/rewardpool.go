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

// RewardPoolMetaData contains all meta data concerning the RewardPool contract.
var RewardPoolMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"token_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"signer_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"BadSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"cumulativeAmount\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"alreadyClaimed\",\"type\":\"uint256\"}],\"name\":\"NothingToClaim\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"recovered\",\"type\":\"address\"}],\"name\":\"WrongSigner\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"cumulativeAmount\",\"type\":\"uint256\"}],\"name\":\"Claimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"name\":\"SignerChanged\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"VOUCHER_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"cumulativeAmount\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"claim\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"cumulativeAmount\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"}],\"name\":\"claimTo\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"claimed\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"domainSeparator\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer_\",\"type\":\"address\"}],\"name\":\"setSigner\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"signer\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"token\",\"outputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"cumulativeAmount\",\"type\":\"uint256\"}],\"name\":\"voucherDigest\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "RewardPool",
	Bin: "0x60c060405234801561000f575f5ffd5b50604051610aa2380380610aa283398101604081905261002e916100d5565b6001600160a01b038216158061004b57506001600160a01b038116155b156100695760405163d92e233d60e01b815260040160405180910390fd5b6001600160a01b038281166080523360a0525f80546001600160a01b03191691831691821781556040517f5719a5656c5cfdaafa148ecf366fd3b0a7fae06449ce2a46225977fb7417e29d9190a2505061010d565b6001600160a01b03811681146100d2575f5ffd5b50565b5f5f604083850312156100e6575f5ffd5b82516100f1816100be565b6020840151909250610102816100be565b809150509250929050565b60805160a05161096661013c5f395f818161011c015261022501525f81816101a4015261054b01526109665ff3fe608060405234801561000f575f5ffd5b506004361061009b575f3560e01c806394739e871161006357806394739e871461013e578063a3e4175514610165578063c884ef8314610178578063f698da2514610197578063fc0c546a1461019f575f5ffd5b8063238ac9331461009f57806330194fd1146100ce57806338926b6d146100ef5780636c19e783146101025780638da5cb5b14610117575b5f5ffd5b5f546100b1906001600160a01b031681565b6040516001600160a01b0390911681526020015b60405180910390f35b6100e16100dc3660046107b8565b6101c6565b6040519081526020016100c5565b6100e16100fd366004610812565b610204565b61011561011036600461085a565b61021a565b005b6100b17f000000000000000000000000000000000000000000000000000000000000000081565b6100e17fa006cc88b123a91725a9c82ed5fc2bde58d2b13765d46891426c1343c24f491681565b6100e161017336600461087a565b6102d1565b6100e161018636600461085a565b60016020525f908152604090205481565b6100e161037a565b6100b17f000000000000000000000000000000000000000000000000000000000000000081565b5f6001600160a01b0382166101ee5760405163d92e233d60e01b815260040160405180910390fd5b6101fb338686868661041e565b95945050505050565b5f610212338585853361041e565b949350505050565b336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614610263576040516330cd747160e01b815260040160405180910390fd5b6001600160a01b03811661028a5760405163d92e233d60e01b815260040160405180910390fd5b5f80546001600160a01b0319166001600160a01b038316908117825560405190917f5719a5656c5cfdaafa148ecf366fd3b0a7fae06449ce2a46225977fb7417e29d91a250565b604080517fa006cc88b123a91725a9c82ed5fc2bde58d2b13765d46891426c1343c24f491660208201526001600160a01b03841691810191909152606081018290525f90819060800160405160208183030381529060405280519060200120905061033a61037a565b60405161190160f01b6020820152602281019190915260428101829052606201604051602081830303815290604052805190602001209150505b92915050565b604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527faf06b93bf5b70381c5918d77f3716ba6b682856f6be66ce873231509e0f2e69e918101919091527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b5f5f61043461042d88886102d1565b86866105dd565b5f549091506001600160a01b0380831691161461047457604051631960afe160e11b81526001600160a01b03821660048201526024015b60405180910390fd5b6001600160a01b0387165f908152600160205260409020548087116104b65760405163db2e106360e01b8152600481018890526024810182905260440161046b565b6104c081886108b6565b6001600160a01b03808a165f81815260016020526040908190208b905551929550908616917f2f6639d24651730c7bf57c95ddbf96d66d11477e4ec626876f92c22e5f365e689061051d9087908c90918252602082015260400190565b60405180910390a360405163a9059cbb60e01b81526001600160a01b038581166004830152602482018590527f0000000000000000000000000000000000000000000000000000000000000000169063a9059cbb906044016020604051808303815f875af1158015610591573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906105b591906108c9565b6105d2576040516312171d8360e31b815260040160405180910390fd5b505095945050505050565b5f604182146105ff57604051635cd5d23360e01b815260040160405180910390fd5b5f61060d60208285876108e8565b6106169161090f565b90505f6106276040602086886108e8565b6106309161090f565b90505f858560408181106106465761064661092c565b919091013560f81c915050601b81101561066857610665601b82610940565b90505b8060ff16601b1415801561068057508060ff16601c14155b806106aa57507f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a082115b156106c857604051635cd5d23360e01b815260040160405180910390fd5b604080515f808252602082018084528a905260ff841692820192909252606081018590526080810184905260019060a0016020604051602081039080840390855afa158015610719573d5f5f3e3d5ffd5b5050604051601f1901519150506001600160a01b03811661074d57604051635cd5d23360e01b815260040160405180910390fd5b979650505050505050565b5f5f83601f840112610768575f5ffd5b50813567ffffffffffffffff81111561077f575f5ffd5b602083019150836020828501011115610796575f5ffd5b9250929050565b80356001600160a01b03811681146107b3575f5ffd5b919050565b5f5f5f5f606085870312156107cb575f5ffd5b84359350602085013567ffffffffffffffff8111156107e8575f5ffd5b6107f487828801610758565b909450925061080790506040860161079d565b905092959194509250565b5f5f5f60408486031215610824575f5ffd5b83359250602084013567ffffffffffffffff811115610841575f5ffd5b61084d86828701610758565b9497909650939450505050565b5f6020828403121561086a575f5ffd5b6108738261079d565b9392505050565b5f5f6040838503121561088b575f5ffd5b6108948361079d565b946020939093013593505050565b634e487b7160e01b5f52601160045260245ffd5b81810381811115610374576103746108a2565b5f602082840312156108d9575f5ffd5b81518015158114610873575f5ffd5b5f5f858511156108f6575f5ffd5b83861115610902575f5ffd5b5050820193919092039150565b80356020831015610374575f19602084900360031b1b1692915050565b634e487b7160e01b5f52603260045260245ffd5b60ff8181168382160190811115610374576103746108a256fea164736f6c634300081e000a",
}

// RewardPool is an auto generated Go binding around an Ethereum contract.
type RewardPool struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *RewardPool) GetABI() abi.ABI {
	return c.abi
}

// NewRewardPool creates a new instance of RewardPool.
func NewRewardPool() *RewardPool {
	parsed, err := RewardPoolMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &RewardPool{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *RewardPool) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address token_, address signer_) returns()
func (rewardPool *RewardPool) PackConstructor(token_ common.Address, signer_ common.Address) []byte {
	enc, err := rewardPool.abi.Pack("", token_, signer_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackVOUCHERTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x94739e87.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (rewardPool *RewardPool) PackVOUCHERTYPEHASH() []byte {
	enc, err := rewardPool.abi.Pack("VOUCHER_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVOUCHERTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x94739e87.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (rewardPool *RewardPool) TryPackVOUCHERTYPEHASH() ([]byte, error) {
	return rewardPool.abi.Pack("VOUCHER_TYPEHASH")
}

// UnpackVOUCHERTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x94739e87.
//
// Solidity: function VOUCHER_TYPEHASH() view returns(bytes32)
func (rewardPool *RewardPool) UnpackVOUCHERTYPEHASH(data []byte) ([32]byte, error) {
	out, err := rewardPool.abi.Unpack("VOUCHER_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x38926b6d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claim(uint256 cumulativeAmount, bytes signature) returns(uint256)
func (rewardPool *RewardPool) PackClaim(cumulativeAmount *big.Int, signature []byte) []byte {
	enc, err := rewardPool.abi.Pack("claim", cumulativeAmount, signature)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x38926b6d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claim(uint256 cumulativeAmount, bytes signature) returns(uint256)
func (rewardPool *RewardPool) TryPackClaim(cumulativeAmount *big.Int, signature []byte) ([]byte, error) {
	return rewardPool.abi.Pack("claim", cumulativeAmount, signature)
}

// UnpackClaim is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x38926b6d.
//
// Solidity: function claim(uint256 cumulativeAmount, bytes signature) returns(uint256)
func (rewardPool *RewardPool) UnpackClaim(data []byte) (*big.Int, error) {
	out, err := rewardPool.abi.Unpack("claim", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClaimTo is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x30194fd1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimTo(uint256 cumulativeAmount, bytes signature, address to) returns(uint256)
func (rewardPool *RewardPool) PackClaimTo(cumulativeAmount *big.Int, signature []byte, to common.Address) []byte {
	enc, err := rewardPool.abi.Pack("claimTo", cumulativeAmount, signature, to)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimTo is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x30194fd1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimTo(uint256 cumulativeAmount, bytes signature, address to) returns(uint256)
func (rewardPool *RewardPool) TryPackClaimTo(cumulativeAmount *big.Int, signature []byte, to common.Address) ([]byte, error) {
	return rewardPool.abi.Pack("claimTo", cumulativeAmount, signature, to)
}

// UnpackClaimTo is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x30194fd1.
//
// Solidity: function claimTo(uint256 cumulativeAmount, bytes signature, address to) returns(uint256)
func (rewardPool *RewardPool) UnpackClaimTo(data []byte) (*big.Int, error) {
	out, err := rewardPool.abi.Unpack("claimTo", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClaimed is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc884ef83.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimed(address ) view returns(uint256)
func (rewardPool *RewardPool) PackClaimed(arg0 common.Address) []byte {
	enc, err := rewardPool.abi.Pack("claimed", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimed is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc884ef83.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimed(address ) view returns(uint256)
func (rewardPool *RewardPool) TryPackClaimed(arg0 common.Address) ([]byte, error) {
	return rewardPool.abi.Pack("claimed", arg0)
}

// UnpackClaimed is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc884ef83.
//
// Solidity: function claimed(address ) view returns(uint256)
func (rewardPool *RewardPool) UnpackClaimed(data []byte) (*big.Int, error) {
	out, err := rewardPool.abi.Unpack("claimed", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (rewardPool *RewardPool) PackDomainSeparator() []byte {
	enc, err := rewardPool.abi.Pack("domainSeparator")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (rewardPool *RewardPool) TryPackDomainSeparator() ([]byte, error) {
	return rewardPool.abi.Pack("domainSeparator")
}

// UnpackDomainSeparator is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf698da25.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (rewardPool *RewardPool) UnpackDomainSeparator(data []byte) ([32]byte, error) {
	out, err := rewardPool.abi.Unpack("domainSeparator", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (rewardPool *RewardPool) PackOwner() []byte {
	enc, err := rewardPool.abi.Pack("owner")
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
func (rewardPool *RewardPool) TryPackOwner() ([]byte, error) {
	return rewardPool.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (rewardPool *RewardPool) UnpackOwner(data []byte) (common.Address, error) {
	out, err := rewardPool.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackSetSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6c19e783.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setSigner(address signer_) returns()
func (rewardPool *RewardPool) PackSetSigner(signer common.Address) []byte {
	enc, err := rewardPool.abi.Pack("setSigner", signer)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6c19e783.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setSigner(address signer_) returns()
func (rewardPool *RewardPool) TryPackSetSigner(signer common.Address) ([]byte, error) {
	return rewardPool.abi.Pack("setSigner", signer)
}

// PackSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x238ac933.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function signer() view returns(address)
func (rewardPool *RewardPool) PackSigner() []byte {
	enc, err := rewardPool.abi.Pack("signer")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x238ac933.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function signer() view returns(address)
func (rewardPool *RewardPool) TryPackSigner() ([]byte, error) {
	return rewardPool.abi.Pack("signer")
}

// UnpackSigner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x238ac933.
//
// Solidity: function signer() view returns(address)
func (rewardPool *RewardPool) UnpackSigner(data []byte) (common.Address, error) {
	out, err := rewardPool.abi.Unpack("signer", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfc0c546a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function token() view returns(address)
func (rewardPool *RewardPool) PackToken() []byte {
	enc, err := rewardPool.abi.Pack("token")
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
func (rewardPool *RewardPool) TryPackToken() ([]byte, error) {
	return rewardPool.abi.Pack("token")
}

// UnpackToken is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfc0c546a.
//
// Solidity: function token() view returns(address)
func (rewardPool *RewardPool) UnpackToken(data []byte) (common.Address, error) {
	out, err := rewardPool.abi.Unpack("token", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackVoucherDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa3e41755.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function voucherDigest(address account, uint256 cumulativeAmount) view returns(bytes32)
func (rewardPool *RewardPool) PackVoucherDigest(account common.Address, cumulativeAmount *big.Int) []byte {
	enc, err := rewardPool.abi.Pack("voucherDigest", account, cumulativeAmount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVoucherDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa3e41755.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function voucherDigest(address account, uint256 cumulativeAmount) view returns(bytes32)
func (rewardPool *RewardPool) TryPackVoucherDigest(account common.Address, cumulativeAmount *big.Int) ([]byte, error) {
	return rewardPool.abi.Pack("voucherDigest", account, cumulativeAmount)
}

// UnpackVoucherDigest is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa3e41755.
//
// Solidity: function voucherDigest(address account, uint256 cumulativeAmount) view returns(bytes32)
func (rewardPool *RewardPool) UnpackVoucherDigest(data []byte) ([32]byte, error) {
	out, err := rewardPool.abi.Unpack("voucherDigest", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// RewardPoolClaimed represents a Claimed event raised by the RewardPool contract.
type RewardPoolClaimed struct {
	Account          common.Address
	To               common.Address
	Amount           *big.Int
	CumulativeAmount *big.Int
	Raw              *types.Log // Blockchain specific contextual infos
}

const RewardPoolClaimedEventName = "Claimed"

// ContractEventName returns the user-defined event name.
func (RewardPoolClaimed) ContractEventName() string {
	return RewardPoolClaimedEventName
}

// UnpackClaimedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Claimed(address indexed account, address indexed to, uint256 amount, uint256 cumulativeAmount)
func (rewardPool *RewardPool) UnpackClaimedEvent(log *types.Log) (*RewardPoolClaimed, error) {
	event := "Claimed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != rewardPool.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RewardPoolClaimed)
	if len(log.Data) > 0 {
		if err := rewardPool.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range rewardPool.abi.Events[event].Inputs {
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

// RewardPoolSignerChanged represents a SignerChanged event raised by the RewardPool contract.
type RewardPoolSignerChanged struct {
	Signer common.Address
	Raw    *types.Log // Blockchain specific contextual infos
}

const RewardPoolSignerChangedEventName = "SignerChanged"

// ContractEventName returns the user-defined event name.
func (RewardPoolSignerChanged) ContractEventName() string {
	return RewardPoolSignerChangedEventName
}

// UnpackSignerChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event SignerChanged(address indexed signer)
func (rewardPool *RewardPool) UnpackSignerChangedEvent(log *types.Log) (*RewardPoolSignerChanged, error) {
	event := "SignerChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != rewardPool.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RewardPoolSignerChanged)
	if len(log.Data) > 0 {
		if err := rewardPool.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range rewardPool.abi.Events[event].Inputs {
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
func (rewardPool *RewardPool) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], rewardPool.abi.Errors["BadSignature"].ID.Bytes()[:4]) {
		return rewardPool.UnpackBadSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], rewardPool.abi.Errors["NotOwner"].ID.Bytes()[:4]) {
		return rewardPool.UnpackNotOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], rewardPool.abi.Errors["NothingToClaim"].ID.Bytes()[:4]) {
		return rewardPool.UnpackNothingToClaimError(raw[4:])
	}
	if bytes.Equal(raw[:4], rewardPool.abi.Errors["TransferFailed"].ID.Bytes()[:4]) {
		return rewardPool.UnpackTransferFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], rewardPool.abi.Errors["WrongSigner"].ID.Bytes()[:4]) {
		return rewardPool.UnpackWrongSignerError(raw[4:])
	}
	if bytes.Equal(raw[:4], rewardPool.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return rewardPool.UnpackZeroAddressError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// RewardPoolBadSignature represents a BadSignature error raised by the RewardPool contract.
type RewardPoolBadSignature struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BadSignature()
func RewardPoolBadSignatureErrorID() common.Hash {
	return common.HexToHash("0x5cd5d2335541c4f2ed05fbe44f397e8b79f8e2333157122d2dab06e378ef7685")
}

// UnpackBadSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BadSignature()
func (rewardPool *RewardPool) UnpackBadSignatureError(raw []byte) (*RewardPoolBadSignature, error) {
	out := new(RewardPoolBadSignature)
	if err := rewardPool.abi.UnpackIntoInterface(out, "BadSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RewardPoolNotOwner represents a NotOwner error raised by the RewardPool contract.
type RewardPoolNotOwner struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOwner()
func RewardPoolNotOwnerErrorID() common.Hash {
	return common.HexToHash("0x30cd74712f59d478562d48e2d35de830db72c60a63dd08ae59199eec990b5bc4")
}

// UnpackNotOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOwner()
func (rewardPool *RewardPool) UnpackNotOwnerError(raw []byte) (*RewardPoolNotOwner, error) {
	out := new(RewardPoolNotOwner)
	if err := rewardPool.abi.UnpackIntoInterface(out, "NotOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RewardPoolNothingToClaim represents a NothingToClaim error raised by the RewardPool contract.
type RewardPoolNothingToClaim struct {
	CumulativeAmount *big.Int
	AlreadyClaimed   *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToClaim(uint256 cumulativeAmount, uint256 alreadyClaimed)
func RewardPoolNothingToClaimErrorID() common.Hash {
	return common.HexToHash("0xdb2e10631d2ee9e0602c2e26b86d79587d1b8bf71115b9c2ddeb9d165f8215a4")
}

// UnpackNothingToClaimError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToClaim(uint256 cumulativeAmount, uint256 alreadyClaimed)
func (rewardPool *RewardPool) UnpackNothingToClaimError(raw []byte) (*RewardPoolNothingToClaim, error) {
	out := new(RewardPoolNothingToClaim)
	if err := rewardPool.abi.UnpackIntoInterface(out, "NothingToClaim", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RewardPoolTransferFailed represents a TransferFailed error raised by the RewardPool contract.
type RewardPoolTransferFailed struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TransferFailed()
func RewardPoolTransferFailedErrorID() common.Hash {
	return common.HexToHash("0x90b8ec1877afffd816d05d9b13947f3ff18ec5851c38bad15ec2b710f92391b1")
}

// UnpackTransferFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TransferFailed()
func (rewardPool *RewardPool) UnpackTransferFailedError(raw []byte) (*RewardPoolTransferFailed, error) {
	out := new(RewardPoolTransferFailed)
	if err := rewardPool.abi.UnpackIntoInterface(out, "TransferFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RewardPoolWrongSigner represents a WrongSigner error raised by the RewardPool contract.
type RewardPoolWrongSigner struct {
	Recovered common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error WrongSigner(address recovered)
func RewardPoolWrongSignerErrorID() common.Hash {
	return common.HexToHash("0x32c15fc200d7dd37fbdda4b6dcf3c666dc26a587020101795852cde5be582e91")
}

// UnpackWrongSignerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error WrongSigner(address recovered)
func (rewardPool *RewardPool) UnpackWrongSignerError(raw []byte) (*RewardPoolWrongSigner, error) {
	out := new(RewardPoolWrongSigner)
	if err := rewardPool.abi.UnpackIntoInterface(out, "WrongSigner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RewardPoolZeroAddress represents a ZeroAddress error raised by the RewardPool contract.
type RewardPoolZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func RewardPoolZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (rewardPool *RewardPool) UnpackZeroAddressError(raw []byte) (*RewardPoolZeroAddress, error) {
	out := new(RewardPoolZeroAddress)
	if err := rewardPool.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}
