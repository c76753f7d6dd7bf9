// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IRegistryDirectory} from "./interfaces/IRegistryDirectory.sol";
import {IVersioned} from "./interfaces/IVersioned.sol";

/// @title RegistryDirectory
/// @notice The versioned-registry directory: gateways and auditors resolve registries here, so a fixed registry
/// can replace a faulty one without proxies, and the faulty one's history stays on chain as it was.
contract RegistryDirectory is IRegistryDirectory, AccessManaged {
    mapping(bytes32 name => address[] registries) private _registries;

    constructor(address authority) AccessManaged(authority) {}

    /// @inheritdoc IRegistryDirectory
    function setRegistry(bytes32 name, address registry_) external restricted {
        if (registry_.code.length == 0) revert RegistryDirectoryNotContract(registry_);
        address[] storage list = _registries[name];
        address previous = list.length == 0 ? address(0) : list[list.length - 1];
        list.push(registry_);
        emit RegistrySet(name, registry_, previous, IVersioned(registry_).version());
    }

    /// @inheritdoc IRegistryDirectory
    function registry(bytes32 name) external view returns (address) {
        address[] storage list = _registries[name];
        if (list.length == 0) revert RegistryDirectoryUnknownRegistry(name);
        return list[list.length - 1];
    }

    /// @inheritdoc IRegistryDirectory
    function history(bytes32 name) external view returns (address[] memory) {
        return _registries[name];
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "1.0.0";
    }
}
