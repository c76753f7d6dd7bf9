// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IVersioned} from "./IVersioned.sol";

/// @title IRegistryDirectory
/// @notice Where the current version of each oncechain registry lives. A fix to a registry is rolled out by
/// deploying its next version and pointing the directory at it; earlier versions stay on chain, readable.
interface IRegistryDirectory is IVersioned {
    /// @notice Emitted when a registry name is pointed at a (new) address.
    event RegistrySet(bytes32 indexed name, address indexed registry, address indexed previous, string registryVersion);

    /// @notice The address is not a contract.
    error RegistryDirectoryNotContract(address registry);
    /// @notice No registry is set under this name.
    error RegistryDirectoryUnknownRegistry(bytes32 name);

    /// @notice Points `name` (e.g. keccak256("CredentialRecordRegistry")) at `registry`. Operator only.
    function setRegistry(bytes32 name, address registry) external;

    /// @notice The current registry under `name`; reverts when none.
    function registry(bytes32 name) external view returns (address);

    /// @notice Every address `name` has pointed at, oldest first.
    function history(bytes32 name) external view returns (address[] memory);
}
