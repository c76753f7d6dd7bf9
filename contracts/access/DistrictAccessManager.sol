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
    /// @notice The target's syncClosed ran out of gas: send the transaction with more.
    error DistrictAccessManagerSyncOutOfGas(address target);

    constructor(address initialAdmin) AccessManager(initialAdmin) {}

    /// @dev A target that is no Closable registry (no `syncClosed`) keeps only the manager's own flag. A sync that ran
    /// out of gas fails the whole transaction rather than leave the registry's mirror behind; gas estimation then
    /// finds the gas the sync needs.
    function _setTargetClosed(address target, bool closed) internal override {
        super._setTargetClosed(target, closed);
        if (target.code.length == 0) return;
        uint256 gasBefore = gasleft();
        // A low-level call: a target without syncClosed must not fail the closing, only one that ran out of gas.
        // solhint-disable-next-line avoid-low-level-calls
        (bool synced,) = target.call(abi.encodeCall(IClosable.syncClosed, ()));
        if (!synced && gasleft() <= gasBefore / 64) revert DistrictAccessManagerSyncOutOfGas(target);
    }
}
