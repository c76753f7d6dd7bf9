// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IClosable
/// @notice The district's emergency stop, as a registry honours it. Closing a registry in the AccessManager
/// (`setTargetClosed`) stops the operator functions the AccessManager guards, and, through `syncClosed`, the writes the
/// registry authorises itself (a department's anchors, log commitments, endpoint changes, a data owner's grant
/// revocation). The DistrictAccessManager calls `syncClosed` in the same transaction as `setTargetClosed`.
interface IClosable {
    /// @notice Emitted when the registry takes over its AccessManager's closed flag.
    event RegistryClosedSynced(bool closed);

    /// @notice The registry is closed by the district's emergency stop.
    error RegistryClosed(address registry);

    /// @notice Takes over the AccessManager's `isTargetClosed(this)`. Anyone may call it: it only reads the truth.
    function syncClosed() external;

    /// @notice Whether the registry refuses the writes it authorises itself.
    function isClosed() external view returns (bool);
}
