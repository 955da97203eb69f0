// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "./IERC20.sol";

/// @title RewardPool: pays out the coordinator's EIP-712 reward vouchers.
/// @notice A voucher says "account has earned cumulativeAmount in total". Claiming
/// pays cumulativeAmount minus what the account already claimed, so an old or
/// replayed voucher pays nothing more. The EIP-712 domain binds a voucher to this
/// contract on this chain, and only the signer's vouchers are accepted.
contract RewardPool {
    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(address account,uint256 cumulativeAmount)");
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("idlenode RewardPool");
    bytes32 private constant VERSION_HASH = keccak256("1");
    // secp256k1n / 2: signatures with a larger s are malleable copies.
    uint256 private constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    IERC20 public immutable token;
    address public immutable owner;
    /// @notice The coordinator key whose vouchers this pool honours.
    address public signer;

    mapping(address => uint256) public claimed;

    event Claimed(address indexed account, address indexed to, uint256 amount, uint256 cumulativeAmount);
    event SignerChanged(address indexed signer);

    error ZeroAddress();
    error NotOwner();
    error BadSignature();
    error WrongSigner(address recovered);
    error NothingToClaim(uint256 cumulativeAmount, uint256 alreadyClaimed);
    error TransferFailed();

    constructor(IERC20 token_, address signer_) {
        if (address(token_) == address(0) || signer_ == address(0)) revert ZeroAddress();
        token = token_;
        owner = msg.sender;
        signer = signer_;
        emit SignerChanged(signer_);
    }

    /// @notice The EIP-712 domain separator, computed for the current chain id.
    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    /// @notice The EIP-712 digest the signer signs for a voucher.
    function voucherDigest(address account, uint256 cumulativeAmount) public view returns (bytes32) {
        bytes32 structHash = keccak256(abi.encode(VOUCHER_TYPEHASH, account, cumulativeAmount));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    /// @notice Claim the caller's rewards to the caller.
    function claim(uint256 cumulativeAmount, bytes calldata signature) external returns (uint256) {
        return _claim(msg.sender, cumulativeAmount, signature, msg.sender);
    }

    /// @notice Claim the caller's rewards to `to`, a payout address whose key may
    /// live elsewhere.
    function claimTo(uint256 cumulativeAmount, bytes calldata signature, address to) external returns (uint256) {
        if (to == address(0)) revert ZeroAddress();
        return _claim(msg.sender, cumulativeAmount, signature, to);
    }

    function _claim(address account, uint256 cumulativeAmount, bytes calldata signature, address to)
        private
        returns (uint256 amount)
    {
        address recovered = _recover(voucherDigest(account, cumulativeAmount), signature);
        if (recovered != signer) revert WrongSigner(recovered);
        uint256 already = claimed[account];
        if (cumulativeAmount <= already) revert NothingToClaim(cumulativeAmount, already);
        amount = cumulativeAmount - already;
        claimed[account] = cumulativeAmount;
        emit Claimed(account, to, amount, cumulativeAmount);
        if (!token.transfer(to, amount)) revert TransferFailed();
    }

    /// @notice Accept vouchers from another coordinator key.
    function setSigner(address signer_) external {
        if (msg.sender != owner) revert NotOwner();
        if (signer_ == address(0)) revert ZeroAddress();
        signer = signer_;
        emit SignerChanged(signer_);
    }

    function _recover(bytes32 digest, bytes calldata sig) private pure returns (address) {
        if (sig.length != 65) revert BadSignature();
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (v < 27) v += 27;
        if ((v != 27 && v != 28) || uint256(s) > HALF_N) revert BadSignature();
        address a = ecrecover(digest, v, r, s);
        if (a == address(0)) revert BadSignature();
        return a;
    }
}
