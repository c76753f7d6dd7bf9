// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IClosable} from "../interfaces/IClosable.sol";

/// @title Closable
/// @notice An AccessManaged registry that honours the AccessManager's closed flag for the writes it authorises itself
/// (signers, data owners), not only for its `restricted` functions. The flag is mirrored in the registry's own storage:
/// a department's anchoring then pays one storage read for it instead of a call to the AccessManager.
abstract contract Closable is IClosable, AccessManaged {
    bool private _closed;

    /// @inheritdoc IClosable
    function syncClosed() external {
        bool closed = IAccessManager(authority()).isTargetClosed(address(this));
        _closed = closed;
        emit RegistryClosedSynced(closed);
    }

    /// @inheritdoc IClosable
    function isClosed() external view returns (bool) {
        return _closed;
    }

    function _requireOpen() internal view {
        if (_closed) revert RegistryClosed(address(this));
    }
}
