// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

/// @title DistrictAccessManager
/// @notice The one authority of all oncechain registries: it decides who holds the operator role (the district's
/// Government Service Administration) and which registry functions that role may call, with optional delays.
contract DistrictAccessManager is AccessManager {
    constructor(address initialAdmin) AccessManager(initialAdmin) {}
}
