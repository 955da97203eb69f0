// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "./IERC20.sol";

/// @title Staking: nodes lock RewardToken to earn priority and a larger reward share.
/// @notice Unstaking is two steps: requestUnstake moves tokens out of the active
/// stake at once, and withdraw pays them out after `cooldown` seconds. Stake still
/// cooling down can be slashed, so a node caught cheating cannot run away with it.
contract Staking {
    struct Unstake {
        uint256 amount;
        uint64 releaseAt;
    }

    IERC20 public immutable token;
    uint64 public immutable cooldown;
    address public immutable owner;
    /// @notice Where slashed tokens go.
    address public immutable treasury;
    /// @notice The only address allowed to slash (the coordinator).
    address public slasher;

    mapping(address => uint256) public stakeOf;
    mapping(address => Unstake) public unstakeOf;
    uint256 public totalStaked;

    event Staked(address indexed node, uint256 amount);
    event UnstakeRequested(address indexed node, uint256 amount, uint64 releaseAt);
    event Withdrawn(address indexed node, uint256 amount);
    event Slashed(address indexed node, uint256 amount, bytes evidence);
    event SlasherChanged(address indexed slasher);

    error ZeroAmount();
    error ZeroAddress();
    error NotOwner();
    error NotSlasher();
    error InsufficientStake(uint256 staked, uint256 requested);
    error NothingToWithdraw();
    error CooldownNotOver(uint64 releaseAt);
    error TransferFailed();

    constructor(IERC20 token_, uint64 cooldown_, address slasher_, address treasury_) {
        if (address(token_) == address(0) || slasher_ == address(0) || treasury_ == address(0)) {
            revert ZeroAddress();
        }
        token = token_;
        cooldown = cooldown_;
        owner = msg.sender;
        slasher = slasher_;
        treasury = treasury_;
        emit SlasherChanged(slasher_);
    }

    /// @notice Stake `amount` tokens; the caller must have approved this contract.
    function stake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        stakeOf[msg.sender] += amount;
        totalStaked += amount;
        emit Staked(msg.sender, amount);
        if (!token.transferFrom(msg.sender, address(this), amount)) revert TransferFailed();
    }

    /// @notice Start the cooldown for `amount` of the caller's stake. A second request
    /// adds to the first and restarts the cooldown.
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 staked = stakeOf[msg.sender];
        if (amount > staked) revert InsufficientStake(staked, amount);
        unchecked {
            stakeOf[msg.sender] = staked - amount;
        }
        totalStaked -= amount;
        Unstake storage u = unstakeOf[msg.sender];
        u.amount += amount;
        u.releaseAt = uint64(block.timestamp) + cooldown;
        emit UnstakeRequested(msg.sender, amount, u.releaseAt);
    }

    /// @notice Pay out the caller's unstaked tokens once the cooldown is over.
    function withdraw() external {
        Unstake memory u = unstakeOf[msg.sender];
        if (u.amount == 0) revert NothingToWithdraw();
        if (block.timestamp < u.releaseAt) revert CooldownNotOver(u.releaseAt);
        delete unstakeOf[msg.sender];
        emit Withdrawn(msg.sender, u.amount);
        if (!token.transfer(msg.sender, u.amount)) revert TransferFailed();
    }

    /// @notice Take `amount` from `node`'s stake (active first, then cooling down)
    /// and send it to the treasury. `evidence` names the job and the conflicting
    /// result hashes; it is only logged.
    function slash(address node, uint256 amount, bytes calldata evidence) external {
        if (msg.sender != slasher) revert NotSlasher();
        if (amount == 0) revert ZeroAmount();
        uint256 staked = stakeOf[node];
        uint256 cooling = unstakeOf[node].amount;
        if (amount > staked + cooling) revert InsufficientStake(staked + cooling, amount);
        if (amount <= staked) {
            stakeOf[node] = staked - amount;
            totalStaked -= amount;
        } else {
            stakeOf[node] = 0;
            totalStaked -= staked;
            unstakeOf[node].amount = cooling - (amount - staked);
        }
        emit Slashed(node, amount, evidence);
        if (!token.transfer(treasury, amount)) revert TransferFailed();
    }

    /// @notice Hand the slasher role to another address (a new coordinator key).
    function setSlasher(address slasher_) external {
        if (msg.sender != owner) revert NotOwner();
        if (slasher_ == address(0)) revert ZeroAddress();
        slasher = slasher_;
        emit SlasherChanged(slasher_);
    }
}
