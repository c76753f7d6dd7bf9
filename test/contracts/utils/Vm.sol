// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Vm
/// @notice The few cheatcodes of Hardhat's Solidity test runner (EDR, Foundry-compatible) that these tests use.
/// @dev Declared here because forge-std is not a dependency. Signatures follow Foundry's cheatcode interface.
interface Vm {
    /// @notice Sets block.timestamp for the following calls.
    function warp(uint256 newTimestamp) external;
    /// @notice The current block.timestamp as the EVM sees it (immune to the via-IR optimiser reusing an old read).
    function getBlockTimestamp() external view returns (uint256 timestamp);
    /// @notice Makes the next call come from `msgSender`.
    function prank(address msgSender) external;
    /// @notice Makes every following call come from `msgSender`, until stopPrank.
    function startPrank(address msgSender) external;
    /// @notice Ends a startPrank.
    function stopPrank() external;
    /// @notice Expects the next call to revert with a custom error or message whose selector is `revertData`.
    function expectRevert(bytes4 revertData) external;
    /// @notice Expects the next call to revert with exactly `revertData`.
    function expectRevert(bytes calldata revertData) external;
    /// @notice Expects the next call to revert, with any data.
    function expectRevert() external;
    /// @notice Discards the current fuzz input when `condition` is false.
    function assume(bool condition) external pure;
    /// @notice The address of the private key `privateKey`.
    function addr(uint256 privateKey) external pure returns (address keyAddr);
    /// @notice Signs `digest` with `privateKey`.
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    /// @notice Names an address in traces.
    function label(address account, string calldata newLabel) external;
    /// @notice Saves the EVM state and returns its id.
    function snapshotState() external returns (uint256 snapshotId);
    /// @notice Returns to a saved EVM state.
    function revertToState(uint256 snapshotId) external returns (bool success);
}

/// @dev The cheatcode address: address(uint160(uint256(keccak256("hevm cheat code")))).
Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
