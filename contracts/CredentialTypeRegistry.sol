// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ICredentialTypeRegistry} from "./interfaces/ICredentialTypeRegistry.sol";
import {IDepartmentRegistry} from "./interfaces/IDepartmentRegistry.sol";
import {IVersioned} from "./interfaces/IVersioned.sol";

/// @title CredentialTypeRegistry
/// @notice The credential-type catalogue and who is authoritative for each type version, over time.
contract CredentialTypeRegistry is ICredentialTypeRegistry, AccessManaged {
    /// @notice The most authoritative issuers one type version may have. A type every deciding department issues
    ///         (the applicant's commitment, 告知承诺书) needs more than the one or two of a material; the bound keeps
    ///         a deprecation's loop over them far below a transaction's gas limit.
    uint256 public constant MAX_ISSUERS = 32;

    IDepartmentRegistry private immutable _departments;

    mapping(uint32 typeId => CredentialType entry) private _types;
    mapping(uint32 typeId => uint64 deprecatedAt) private _deprecatedAt;
    mapping(bytes32 codeKey => uint32[] versions) private _versions;
    uint32 private _count;
    uint32 private _codeCount;
    uint32 private _activeCodeCount;

    constructor(address authority, IDepartmentRegistry departments) AccessManaged(authority) {
        _departments = departments;
    }

    /// @inheritdoc ICredentialTypeRegistry
    function registerType(
        string calldata code,
        string calldata nameZh,
        string calldata nameEn,
        bytes32 schemaHash,
        uint64 defaultValidity,
        uint32[] calldata issuers
    ) external restricted returns (uint32 typeId) {
        if (bytes(code).length == 0) revert CredentialTypeRegistryEmptyCode();
        bytes32 codeKey = keccak256(bytes(code));
        if (_versions[codeKey].length != 0) revert CredentialTypeRegistryCodeTaken(codeKey);
        typeId = _register(codeKey, code, nameZh, nameEn, schemaHash, defaultValidity, issuers);
        ++_codeCount;
        ++_activeCodeCount;
    }

    /// @inheritdoc ICredentialTypeRegistry
    function registerVersion(bytes32 codeKey, bytes32 schemaHash, uint64 defaultValidity, uint32[] calldata issuers)
        external
        restricted
        returns (uint32 typeId)
    {
        uint32[] storage versions = _versions[codeKey];
        if (versions.length == 0) revert CredentialTypeRegistryUnknownCode(codeKey);
        uint32 previous = versions[versions.length - 1];
        CredentialType storage old = _types[previous];
        if (old.deprecated) {
            ++_activeCodeCount;
        } else {
            _deprecate(previous, old);
        }
        typeId = _register(codeKey, old.code, old.nameZh, old.nameEn, schemaHash, defaultValidity, issuers);
    }

    /// @inheritdoc ICredentialTypeRegistry
    function deprecateType(uint32 typeId) external restricted {
        CredentialType storage t = _requireType(typeId);
        if (t.deprecated) revert CredentialTypeRegistryDeprecated(typeId);
        _deprecate(typeId, t);
        uint32[] storage versions = _versions[t.codeKey];
        if (versions[versions.length - 1] == typeId) --_activeCodeCount;
    }

    /// @inheritdoc ICredentialTypeRegistry
    function authoriseIssuer(uint32 typeId, uint32 departmentId) external restricted {
        CredentialType storage t = _requireType(typeId);
        if (t.deprecated) revert CredentialTypeRegistryDeprecated(typeId);
        _authorise(typeId, t, departmentId);
    }

    /// @inheritdoc ICredentialTypeRegistry
    function revokeIssuer(uint32 typeId, uint32 departmentId) external restricted {
        CredentialType storage t = _requireType(typeId);
        if (t.deprecated) revert CredentialTypeRegistryDeprecated(typeId);
        uint32[] storage issuers = t.issuers;
        uint256 n = issuers.length;
        for (uint256 i = 0; i < n; ++i) {
            if (issuers[i] == departmentId) {
                issuers[i] = issuers[n - 1];
                issuers.pop();
                _endAuthorisation(typeId, departmentId);
                return;
            }
        }
        revert CredentialTypeRegistryNotIssuer(typeId, departmentId);
    }

    /// @inheritdoc ICredentialTypeRegistry
    function credentialType(uint32 typeId) external view returns (CredentialType memory) {
        return _requireType(typeId);
    }

    /// @inheritdoc ICredentialTypeRegistry
    function codeKeyOf(uint32 typeId) external view returns (bytes32) {
        return _types[typeId].codeKey;
    }

    /// @inheritdoc ICredentialTypeRegistry
    function latestTypeId(bytes32 codeKey) external view returns (uint32) {
        uint32[] storage versions = _versions[codeKey];
        return versions.length == 0 ? 0 : versions[versions.length - 1];
    }

    /// @inheritdoc ICredentialTypeRegistry
    function typeIdOf(bytes32 codeKey, uint16 version_) external view returns (uint32) {
        uint32[] storage versions = _versions[codeKey];
        return version_ == 0 || version_ > versions.length ? 0 : versions[version_ - 1];
    }

    /// @inheritdoc ICredentialTypeRegistry
    function isAuthorisedIssuer(uint32 typeId, uint32 departmentId, uint64 timestamp)
        external
        view
        returns (bool)
    {
        return _departments.isAuthorisedIssuer(departmentId, address(this), typeId, timestamp);
    }

    /// @notice The deprecation time of a type version, or 0 while it accepts records.
    function deprecatedAt(uint32 typeId) external view returns (uint64) {
        return _deprecatedAt[typeId];
    }

    /// @inheritdoc ICredentialTypeRegistry
    function typeCount() external view returns (uint32) {
        return _count;
    }

    /// @inheritdoc ICredentialTypeRegistry
    function codeCount() external view returns (uint32) {
        return _codeCount;
    }

    /// @inheritdoc ICredentialTypeRegistry
    function activeTypeCount() external view returns (uint32) {
        return _activeCodeCount;
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "2.1.0";
    }

    function _register(
        bytes32 codeKey,
        string memory code,
        string memory nameZh,
        string memory nameEn,
        bytes32 schemaHash,
        uint64 defaultValidity,
        uint32[] calldata issuers
    ) private returns (uint32 typeId) {
        if (schemaHash == bytes32(0)) revert CredentialTypeRegistryEmptySchemaHash();
        typeId = ++_count;
        uint32[] storage versions = _versions[codeKey];
        versions.push(typeId);
        CredentialType storage t = _types[typeId];
        t.codeKey = codeKey;
        t.version = uint16(versions.length);
        t.defaultValidity = defaultValidity;
        t.registeredAt = uint64(block.timestamp);
        t.schemaHash = schemaHash;
        t.code = code;
        t.nameZh = nameZh;
        t.nameEn = nameEn;
        emit CredentialTypeRegistered(typeId, codeKey, t.version, schemaHash);
        for (uint256 i = 0; i < issuers.length; ++i) {
            _authorise(typeId, t, issuers[i]);
        }
    }

    function _authorise(uint32 typeId, CredentialType storage t, uint32 departmentId) private {
        if (departmentId == 0 || departmentId > _departments.departmentCount()) {
            revert IDepartmentRegistry.DepartmentRegistryUnknownDepartment(departmentId);
        }
        uint32[] storage issuers = t.issuers;
        for (uint256 i = 0; i < issuers.length; ++i) {
            if (issuers[i] == departmentId) revert CredentialTypeRegistryAlreadyIssuer(typeId, departmentId);
        }
        if (issuers.length >= MAX_ISSUERS) revert CredentialTypeRegistryTooManyIssuers(typeId, MAX_ISSUERS);
        issuers.push(departmentId);
        _departments.setIssuerRole(departmentId, typeId, true);
        emit CredentialIssuerAuthorised(typeId, departmentId, uint64(block.timestamp));
    }

    function _endAuthorisation(uint32 typeId, uint32 departmentId) private {
        _departments.setIssuerRole(departmentId, typeId, false);
        emit CredentialIssuerRevoked(typeId, departmentId, uint64(block.timestamp));
    }

    /// @dev Deprecation ends every issuer's period, so the anchoring path needs no separate type-status read.
    function _deprecate(uint32 typeId, CredentialType storage t) private {
        t.deprecated = true;
        _deprecatedAt[typeId] = uint64(block.timestamp);
        uint32[] storage issuers = t.issuers;
        for (uint256 i = 0; i < issuers.length; ++i) {
            _endAuthorisation(typeId, issuers[i]);
        }
        emit CredentialTypeDeprecated(typeId, uint64(block.timestamp));
    }

    function _requireType(uint32 typeId) private view returns (CredentialType storage) {
        if (typeId == 0 || typeId > _count) revert CredentialTypeRegistryUnknownType(typeId);
        return _types[typeId];
    }
}
