// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IClosable} from "../interfaces/IClosable.sol";

/// @title DistrictAccessManager
/// @notice The one authority of all oncechain registries: it decides who holds the operator role (the district's
/// Government Service Administration) and which registry functions that role may call, with optional delays.
/// Its emergency stop (`setTargetClosed`) reaches the writes a registry authorises itself as well: the target's mirror
/// of the flag is brought up to date in the same transaction.
contract DistrictAccessManager is AccessManager {
    constructor(address initialAdmin) AccessManager(initialAdmin) {}

    /// @dev A target that is no Closable registry (no `syncClosed`) keeps only the manager's own flag.
    function _setTargetClosed(address target, bool closed) internal override {
        super._setTargetClosed(target, closed);
        if (target.code.length != 0) {
            try IClosable(target).syncClosed() {} catch {} // solhint-disable-line no-empty-blocks
        }
    }
}
