// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IVersioned} from "./IVersioned.sol";

/// @title IDepartmentRegistry
/// @notice The district's departments (approval units), their signing keys, gateway endpoints, standing and roles:
/// the periods in which each department is an authoritative issuer of a credential type. Every write elsewhere is
/// attributed to a department through the signer keys held here, and checked against its roles in one call.
/// @dev Issuer periods are kept per credential-type registry: type ids are only unique within one registry, so a
/// replacement type registry (a fix rolled out beside the live one) has periods of its own and lends no authority over
/// the live registry's types.
interface IDepartmentRegistry is IVersioned {
    /// @notice A department as the registry holds it.
    struct Department {
        string code;
        string nameZh;
        string nameEn;
        string endpoint;
        bool suspended;
        uint64 registeredAt;
        address[] signers;
    }

    /// @notice A half-open period [from, until) in which a department is authoritative for a type; until 0 = open.
    struct IssuerPeriod {
        uint64 from;
        uint64 until;
    }

    /// @notice Emitted when the operator registers a department.
    event DepartmentRegistered(uint32 indexed departmentId, bytes32 indexed codeKey, string code);
    /// @notice Emitted when a signer key is added to a department.
    event DepartmentSignerAdded(uint32 indexed departmentId, address indexed signer);
    /// @notice Emitted when a signer key is removed from a department.
    event DepartmentSignerRemoved(uint32 indexed departmentId, address indexed signer);
    /// @notice Emitted when a department's gateway endpoint changes.
    event DepartmentEndpointChanged(uint32 indexed departmentId, string endpoint);
    /// @notice Emitted when the operator suspends a department; its records then read as issuer-suspended.
    event DepartmentSuspended(uint32 indexed departmentId, uint64 suspendedAt);
    /// @notice Emitted when the operator lifts a suspension.
    event DepartmentReinstated(uint32 indexed departmentId, uint64 reinstatedAt);

    /// @notice Emitted when a department becomes an authoritative issuer of a type version of `typeRegistry`.
    event DepartmentIssuerRoleGranted(
        uint32 indexed departmentId, address indexed typeRegistry, uint32 indexed typeId, uint64 from
    );
    /// @notice Emitted when a department stops being an authoritative issuer of a type version of `typeRegistry`.
    event DepartmentIssuerRoleEnded(
        uint32 indexed departmentId, address indexed typeRegistry, uint32 indexed typeId, uint64 until
    );

    /// @notice No department has this id.
    error DepartmentRegistryUnknownDepartment(uint32 departmentId);
    /// @notice A department with this code is already registered.
    error DepartmentRegistryCodeTaken(bytes32 codeKey, uint32 departmentId);
    /// @notice The department code is empty.
    error DepartmentRegistryEmptyCode();
    /// @notice The signer is the zero address.
    error DepartmentRegistryZeroSigner();
    /// @notice The key already signs for a department (a key signs for one department only).
    error DepartmentRegistrySignerTaken(address signer, uint32 departmentId);
    /// @notice The key does not sign for this department.
    error DepartmentRegistryNotSigner(address signer, uint32 departmentId);
    /// @notice The department already has the maximum number of signer keys.
    error DepartmentRegistryTooManySigners(uint32 departmentId, uint256 max);
    /// @notice The department is already suspended.
    error DepartmentRegistryAlreadySuspended(uint32 departmentId);
    /// @notice The department is not suspended.
    error DepartmentRegistryNotSuspended(uint32 departmentId);
    /// @notice The department already holds (or does not hold) the issuer role for the type of the calling registry.
    error DepartmentRegistryIssuerRoleUnchanged(
        uint32 departmentId, address typeRegistry, uint32 typeId, bool authorised
    );
    /// @notice Only the operator or one of the department's own signers may change its endpoint.
    error DepartmentRegistryUnauthorizedEndpointChange(address account, uint32 departmentId);

    /// @notice Registers a department with its first signer keys. Operator only.
    /// @return departmentId The new department's id (ids start at 1).
    function registerDepartment(
        string calldata code,
        string calldata nameZh,
        string calldata nameEn,
        string calldata endpoint,
        address[] calldata signers
    ) external returns (uint32 departmentId);

    /// @notice Adds a signer key to a department. Operator only.
    function addSigner(uint32 departmentId, address signer) external;

    /// @notice Removes a signer key from a department. Operator only.
    function removeSigner(uint32 departmentId, address signer) external;

    /// @notice Replaces one signer key of a department with another in one step. Operator only.
    function rotateSigner(uint32 departmentId, address oldSigner, address newSigner) external;

    /// @notice Sets the department's gateway endpoint. The operator or the department's own signer; neither while the
    /// registry is closed.
    function setEndpoint(uint32 departmentId, string calldata endpoint) external;

    /// @notice Suspends a department: it can no longer write, and its records read as issuer-suspended. Operator only.
    function suspendDepartment(uint32 departmentId) external;

    /// @notice Lifts a department's suspension. Operator only.
    function reinstateDepartment(uint32 departmentId) external;

    /// @notice Starts (authorised) or ends (not authorised) the department's issuer role for a type version of the
    /// calling type registry, now.
    /// @dev Called by a CredentialTypeRegistry, which owns the catalogue side of the rule; the AccessManager gives only
    /// type registries this function, and the periods are kept under the caller's address.
    function setIssuerRole(uint32 departmentId, uint32 typeId, bool authorised) external;

    /// @notice The department with this id; reverts when unknown.
    function department(uint32 departmentId) external view returns (Department memory);

    /// @notice The id of the department registered under `keccak256(bytes(code))`, or 0.
    function departmentIdOf(bytes32 codeKey) external view returns (uint32);

    /// @notice The department a key signs for (0 when none) and whether that department is suspended.
    /// @dev The hot path of every write: one storage read.
    function signerDepartment(address signer) external view returns (uint32 departmentId, bool suspended);

    /// @notice For a write: the department a key signs for (0 when none), whether it is suspended, and whether it is
    /// an authoritative issuer of the type version of `typeRegistry` now.
    /// @dev The hot path of anchoring: two storage reads in one call.
    function issuerStanding(address signer, address typeRegistry, uint32 typeId)
        external
        view
        returns (uint32 departmentId, bool suspended, bool authorised);

    /// @notice Whether the department was an authoritative issuer of the type version of `typeRegistry` at
    /// `timestamp`: a period that began before `timestamp` and had not ended by it. A change in the same second counts
    /// against (its order within the second is unknown).
    function isAuthorisedIssuer(uint32 departmentId, address typeRegistry, uint32 typeId, uint64 timestamp)
        external
        view
        returns (bool);

    /// @notice How many times the key has been added to a department (0 = never). A delegated signature names the
    /// epoch it was made in, so removing a key ends its outstanding signatures for good, even if it is added again.
    function signerEpoch(address signer) external view returns (uint32);

    /// @notice Whether the department exists and is suspended.
    function isSuspended(uint32 departmentId) external view returns (bool);

    /// @notice How many departments are registered; ids run from 1 to this number.
    function departmentCount() external view returns (uint32);
}
