// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IVersioned} from "./IVersioned.sol";

/// @title ISharingGrantRegistry
/// @notice Which consumer department may read which provider department's records of a credential type, for which
/// purpose (a scenario, or any), until when. A provider's gateway asks `mayRead` before it hands a record over.
/// @dev A grant names its provider, so that each data owner governs its own data: co-issuers of a type (up to 8) each
/// grant and revoke for their own records only.
interface ISharingGrantRegistry is IVersioned {
    /// @notice A grant. `purpose` is a scenario code key, or 0 for any purpose; `validUntil` 0 = no end.
    struct Grant {
        uint32 provider;
        uint32 consumer;
        uint64 grantedAt;
        uint64 validUntil;
        uint64 revokedAt;
        bytes32 credentialType;
        bytes32 purpose;
    }

    /// @notice Emitted when a grant is made (or made again after revocation).
    event SharingGranted(
        bytes32 indexed grantId,
        uint32 indexed provider,
        uint32 indexed consumer,
        bytes32 credentialType,
        bytes32 purpose,
        uint64 validUntil
    );
    /// @notice Emitted when a grant is revoked.
    event SharingGrantRevoked(bytes32 indexed grantId, address indexed revokedBy, uint64 revokedAt);

    /// @notice The consumer or provider is not a registered department.
    error SharingGrantRegistryUnknownDepartment(uint32 departmentId);
    /// @notice The credential type is not in the catalogue.
    error SharingGrantRegistryUnknownCredentialType(bytes32 codeKey);
    /// @notice The provider is not an authoritative issuer of the type's newest version.
    error SharingGrantRegistryProviderNotIssuer(uint32 provider, bytes32 codeKey);
    /// @notice A department needs no grant to read its own records.
    error SharingGrantRegistrySelfGrant(uint32 departmentId);
    /// @notice The purpose is not a registered scenario.
    error SharingGrantRegistryUnknownPurpose(bytes32 purpose);
    /// @notice A live (not revoked, not expired) grant with this provider, consumer, type and purpose exists.
    error SharingGrantRegistryGrantActive(bytes32 grantId);
    /// @notice No active grant has this id.
    error SharingGrantRegistryNoActiveGrant(bytes32 grantId);
    /// @notice The end of validity is in the past.
    error SharingGrantRegistryInvalidValidity(uint64 validUntil);
    /// @notice Only the operator or the grant's provider (its data owner) may revoke a grant.
    error SharingGrantRegistryUnauthorizedRevocation(address account, bytes32 grantId);

    /// @notice Grants `consumer` reading `provider`'s records of `credentialType` for `purpose` until `validUntil`;
    /// renews an expired or revoked grant. Operator only.
    function grant(uint32 provider, uint32 consumer, bytes32 credentialType, bytes32 purpose, uint64 validUntil)
        external
        returns (bytes32 grantId);

    /// @notice Revokes a grant. The operator, or a signer of the grant's provider (the data owner) while the provider is
    /// not suspended and the registry not closed.
    function revokeGrant(bytes32 grantId) external;

    /// @notice Whether `consumer` may read `provider`'s records of `credentialType` for `purpose` now: a live grant for
    /// any purpose, or for that purpose while its scenario is active; and the consumer not suspended.
    function mayRead(uint32 provider, uint32 consumer, bytes32 credentialType, bytes32 purpose)
        external
        view
        returns (bool);

    /// @notice The id of the grant for (provider, consumer, type, purpose).
    function grantIdOf(uint32 provider, uint32 consumer, bytes32 credentialType, bytes32 purpose)
        external
        pure
        returns (bytes32);

    /// @notice The grant with this id (consumer 0 when none).
    function grantOf(bytes32 grantId) external view returns (Grant memory);

    /// @notice How many grants were ever made (each id once).
    function grantCount() external view returns (uint256);

    /// @notice The id of the grant made at position `index` (0-based).
    function grantAt(uint256 index) external view returns (bytes32);

    /// @notice How many grants are active (made and not revoked; expiry is not counted here).
    function activeGrantCount() external view returns (uint256);
}
