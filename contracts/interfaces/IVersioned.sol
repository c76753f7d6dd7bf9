// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IVersioned
/// @notice Every oncechain registry reports its semantic version, so auditors and the directory can tell
/// which rules a deployed registry follows.
interface IVersioned {
    /// @notice The semantic version of this registry's rules, e.g. "1.0.0".
    function version() external view returns (string memory);
}
