// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {AuthorityUtils} from "@openzeppelin/contracts/access/manager/AuthorityUtils.sol";
import {Closable} from "./access/Closable.sol";
import {ICredentialTypeRegistry} from "./interfaces/ICredentialTypeRegistry.sol";
import {IDepartmentRegistry} from "./interfaces/IDepartmentRegistry.sol";
import {IScenarioRegistry} from "./interfaces/IScenarioRegistry.sol";
import {ISharingGrantRegistry} from "./interfaces/ISharingGrantRegistry.sol";
import {IVersioned} from "./interfaces/IVersioned.sol";

/// @title SharingGrantRegistry
/// @notice Sharing grants between departments, by provider, consumer, credential type code and purpose.
contract SharingGrantRegistry is ISharingGrantRegistry, Closable {
    IDepartmentRegistry private immutable _departments;
    ICredentialTypeRegistry private immutable _types;
    IScenarioRegistry private immutable _scenarios;

    mapping(bytes32 grantId => Grant grant) private _grants;
    bytes32[] private _ids;
    uint256 private _activeCount;

    constructor(
        address authority,
        IDepartmentRegistry departments,
        ICredentialTypeRegistry types,
        IScenarioRegistry scenarios
    ) AccessManaged(authority) {
        _departments = departments;
        _types = types;
        _scenarios = scenarios;
    }

    /// @inheritdoc ISharingGrantRegistry
    function grant(uint32 provider, uint32 consumer, bytes32 credentialType, bytes32 purpose, uint64 validUntil)
        external
        restricted
        returns (bytes32 grantId)
    {
        uint32 departmentCount = _departments.departmentCount();
        if (consumer == 0 || consumer > departmentCount) revert SharingGrantRegistryUnknownDepartment(consumer);
        if (provider == 0 || provider > departmentCount) revert SharingGrantRegistryUnknownDepartment(provider);
        if (provider == consumer) revert SharingGrantRegistrySelfGrant(provider);
        uint32 typeId = _types.latestTypeId(credentialType);
        if (typeId == 0) revert SharingGrantRegistryUnknownCredentialType(credentialType);
        if (!_isIssuer(_types.credentialType(typeId).issuers, provider)) {
            revert SharingGrantRegistryProviderNotIssuer(provider, credentialType);
        }
        if (purpose != bytes32(0) && !_scenarios.isActive(purpose)) revert SharingGrantRegistryUnknownPurpose(purpose);
        if (validUntil != 0 && validUntil <= block.timestamp) revert SharingGrantRegistryInvalidValidity(validUntil);
        grantId = grantIdOf(provider, consumer, credentialType, purpose);
        Grant storage g = _grants[grantId];
        // An expired grant may be made again; it is still counted as active until revoked, so it is not recounted.
        bool counted = g.consumer != 0 && g.revokedAt == 0;
        if (g.consumer == 0) {
            _ids.push(grantId);
        } else if (_live(g)) {
            revert SharingGrantRegistryGrantActive(grantId);
        }
        _grants[grantId] = Grant({
            provider: provider,
            consumer: consumer,
            grantedAt: uint64(block.timestamp),
            validUntil: validUntil,
            revokedAt: 0,
            credentialType: credentialType,
            purpose: purpose
        });
        if (!counted) ++_activeCount;
        emit SharingGranted(grantId, provider, consumer, credentialType, purpose, validUntil);
    }

    /// @inheritdoc ISharingGrantRegistry
    function revokeGrant(bytes32 grantId) external {
        Grant storage g = _grants[grantId];
        if (g.consumer == 0 || g.revokedAt != 0) revert SharingGrantRegistryNoActiveGrant(grantId);
        if (!_isOperator(msg.sender)) {
            _requireOpen();
            if (!_isDataOwner(msg.sender, g.provider)) {
                revert SharingGrantRegistryUnauthorizedRevocation(msg.sender, grantId);
            }
        }
        g.revokedAt = uint64(block.timestamp);
        --_activeCount;
        emit SharingGrantRevoked(grantId, msg.sender, uint64(block.timestamp));
    }

    /// @inheritdoc ISharingGrantRegistry
    function mayRead(uint32 provider, uint32 consumer, bytes32 credentialType, bytes32 purpose)
        external
        view
        returns (bool)
    {
        if (_departments.isSuspended(consumer)) return false;
        if (_live(_grants[grantIdOf(provider, consumer, credentialType, bytes32(0))])) return true;
        // A purpose grant is good only while its scenario is: retiring a scenario ends what it justified.
        return purpose != bytes32(0) && _live(_grants[grantIdOf(provider, consumer, credentialType, purpose)])
            && _scenarios.isActive(purpose);
    }

    /// @inheritdoc ISharingGrantRegistry
    function grantIdOf(uint32 provider, uint32 consumer, bytes32 credentialType, bytes32 purpose)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(provider, consumer, credentialType, purpose));
    }

    /// @inheritdoc ISharingGrantRegistry
    function grantOf(bytes32 grantId) external view returns (Grant memory) {
        return _grants[grantId];
    }

    /// @inheritdoc ISharingGrantRegistry
    function grantCount() external view returns (uint256) {
        return _ids.length;
    }

    /// @inheritdoc ISharingGrantRegistry
    function grantAt(uint256 index) external view returns (bytes32) {
        return _ids[index];
    }

    /// @inheritdoc ISharingGrantRegistry
    function activeGrantCount() external view returns (uint256) {
        return _activeCount;
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    function _live(Grant storage g) private view returns (bool) {
        return g.consumer != 0 && g.revokedAt == 0 && (g.validUntil == 0 || block.timestamp <= g.validUntil);
    }

    function _isOperator(address account) private view returns (bool immediate) {
        (immediate,) = AuthorityUtils.canCallWithDelay(authority(), account, address(this), this.revokeGrant.selector);
    }

    /// @dev The data owner: a signer of the grant's provider department, which is not suspended.
    function _isDataOwner(address account, uint32 provider) private view returns (bool) {
        (uint32 department, bool suspended) = _departments.signerDepartment(account);
        return department == provider && !suspended;
    }

    function _isIssuer(uint32[] memory issuers, uint32 department) private pure returns (bool) {
        for (uint256 i = 0; i < issuers.length; ++i) {
            if (issuers[i] == department) return true;
        }
        return false;
    }
}
