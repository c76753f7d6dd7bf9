// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IVersioned} from "./IVersioned.sol";

/// @title ICredentialTypeRegistry
/// @notice The catalogue of shared credential types (the district's 45 materials): each version with the hash
/// of its JSON Schema, its default validity and the departments authoritative for issuing it. The periods of
/// authority are kept by the DepartmentRegistry as department roles (under this registry's address), so that anchoring
/// checks them in one call.
interface ICredentialTypeRegistry is IVersioned {
    /// @notice One version of a credential type. Each version has its own id; records name the version they follow.
    struct CredentialType {
        bytes32 codeKey;
        uint16 version;
        bool deprecated;
        uint64 defaultValidity;
        uint64 registeredAt;
        bytes32 schemaHash;
        string code;
        string nameZh;
        string nameEn;
        uint32[] issuers;
    }

    /// @notice Emitted for every new type version (version 1 included).
    event CredentialTypeRegistered(
        uint32 indexed typeId, bytes32 indexed codeKey, uint16 version, bytes32 schemaHash
    );
    /// @notice Emitted when a type version stops accepting new records.
    event CredentialTypeDeprecated(uint32 indexed typeId, uint64 deprecatedAt);
    /// @notice Emitted when a department becomes an authoritative issuer of a type version.
    event CredentialIssuerAuthorised(uint32 indexed typeId, uint32 indexed departmentId, uint64 from);
    /// @notice Emitted when a department stops being an authoritative issuer of a type version.
    event CredentialIssuerRevoked(uint32 indexed typeId, uint32 indexed departmentId, uint64 until);

    /// @notice No type version has this id.
    error CredentialTypeRegistryUnknownType(uint32 typeId);
    /// @notice No type has this code.
    error CredentialTypeRegistryUnknownCode(bytes32 codeKey);
    /// @notice A type with this code already exists; register a new version instead.
    error CredentialTypeRegistryCodeTaken(bytes32 codeKey);
    /// @notice The type code is empty.
    error CredentialTypeRegistryEmptyCode();
    /// @notice The schema hash is zero.
    error CredentialTypeRegistryEmptySchemaHash();
    /// @notice The type version is deprecated and accepts no changes.
    error CredentialTypeRegistryDeprecated(uint32 typeId);
    /// @notice The department is already an authoritative issuer of the type version.
    error CredentialTypeRegistryAlreadyIssuer(uint32 typeId, uint32 departmentId);
    /// @notice The department is not an authoritative issuer of the type version.
    error CredentialTypeRegistryNotIssuer(uint32 typeId, uint32 departmentId);
    /// @notice The type version already has the maximum number of issuers.
    error CredentialTypeRegistryTooManyIssuers(uint32 typeId, uint256 max);

    /// @notice Registers version 1 of a credential type. Operator only.
    function registerType(
        string calldata code,
        string calldata nameZh,
        string calldata nameEn,
        bytes32 schemaHash,
        uint64 defaultValidity,
        uint32[] calldata issuers
    ) external returns (uint32 typeId);

    /// @notice Registers the next version of a type; the previous version is deprecated, its records stay readable.
    /// Operator only.
    function registerVersion(bytes32 codeKey, bytes32 schemaHash, uint64 defaultValidity, uint32[] calldata issuers)
        external
        returns (uint32 typeId);

    /// @notice Deprecates a type version: it accepts no new records; records anchored before stay valid. Operator only.
    function deprecateType(uint32 typeId) external;

    /// @notice Makes a department an authoritative issuer of a type version from now on. Operator only.
    function authoriseIssuer(uint32 typeId, uint32 departmentId) external;

    /// @notice Ends a department's authority over a type version from now on. Operator only.
    function revokeIssuer(uint32 typeId, uint32 departmentId) external;

    /// @notice The type version with this id; reverts when unknown.
    function credentialType(uint32 typeId) external view returns (CredentialType memory);

    /// @notice The code key of a type version (0 when unknown): lets other registries compare types across versions.
    function codeKeyOf(uint32 typeId) external view returns (bytes32);

    /// @notice The id of the newest version of the type with this code, or 0.
    function latestTypeId(bytes32 codeKey) external view returns (uint32);

    /// @notice The id of a given version of the type with this code, or 0.
    function typeIdOf(bytes32 codeKey, uint16 version) external view returns (uint32);

    /// @notice Whether the department was an authoritative issuer of the type version at time `timestamp`
    /// (read from the DepartmentRegistry's issuer roles).
    function isAuthorisedIssuer(uint32 typeId, uint32 departmentId, uint64 timestamp) external view returns (bool);

    /// @notice How many type versions are registered; ids run from 1 to this number.
    function typeCount() external view returns (uint32);

    /// @notice How many distinct type codes are registered.
    function codeCount() external view returns (uint32);

    /// @notice How many type codes have a newest version that is not deprecated.
    function activeTypeCount() external view returns (uint32);
}
