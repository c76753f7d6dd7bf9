// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IVersioned} from "./IVersioned.sol";

/// @title IScenarioRegistry
/// @notice Scenario definitions (theme scenarios, high-frequency and tidal matters, joint matters, the film
/// platform's categories and items): the hash of each full definition, its required credential types and the
/// departments involved, every version kept.
interface IScenarioRegistry is IVersioned {
    /// @notice The kinds of scenario the district runs.
    enum ScenarioKind {
        Theme,
        HighFrequencyPersonal,
        HighFrequencyLegalPerson,
        Tidal,
        CrossDepartmentJoint,
        FilmGroup,
        FilmCategory,
        FilmItem
    }

    /// @notice What registering a scenario (or a new version of one) takes.
    struct ScenarioInput {
        string code;
        string nameZh;
        string nameEn;
        ScenarioKind kind;
        bytes32 definitionHash;
        bytes32 parent;
        bytes32[] requiredTypes;
        uint32[] departments;
    }

    /// @notice One version of a scenario. Required types are credential type code keys (any version).
    struct ScenarioVersion {
        uint16 version;
        ScenarioKind kind;
        uint64 registeredAt;
        bytes32 definitionHash;
        bytes32 parent;
        bytes32[] requiredTypes;
        uint32[] departments;
    }

    /// @notice A scenario with its newest version.
    struct Scenario {
        string code;
        string nameZh;
        string nameEn;
        bool retired;
        uint16 versionCount;
        ScenarioVersion latest;
    }

    /// @notice Emitted for every scenario version (version 1 included).
    event ScenarioRegistered(
        bytes32 indexed codeKey, uint16 version, ScenarioKind indexed kind, bytes32 definitionHash, bytes32 parent
    );
    /// @notice Emitted when a scenario is retired, by itself or with the film group or category above it.
    event ScenarioRetired(bytes32 indexed codeKey, uint64 retiredAt);

    /// @notice No scenario has this code key.
    error ScenarioRegistryUnknownScenario(bytes32 codeKey);
    /// @notice A scenario with this code already exists; register a new version instead.
    error ScenarioRegistryCodeTaken(bytes32 codeKey);
    /// @notice The scenario code is empty.
    error ScenarioRegistryEmptyCode();
    /// @notice The definition hash is zero.
    error ScenarioRegistryEmptyDefinitionHash();
    /// @notice The parent scenario is not registered.
    error ScenarioRegistryUnknownParent(bytes32 parent);
    /// @notice The parent does not fit: a film category's parent is a film group, a film item's a film category, and
    /// no other kind has a parent; a retired scenario is no parent.
    error ScenarioRegistryInvalidParent(bytes32 parent, ScenarioKind kind);
    /// @notice A required credential type is not in the catalogue.
    error ScenarioRegistryUnknownCredentialType(bytes32 codeKey);
    /// @notice An involved department is not registered.
    error ScenarioRegistryUnknownDepartment(uint32 departmentId);
    /// @notice The scenario is retired and takes no new versions.
    error ScenarioRegistryRetired(bytes32 codeKey);
    /// @notice A new version must keep the scenario's code and kind.
    error ScenarioRegistryKindChanged(bytes32 codeKey, ScenarioKind kind, ScenarioKind newKind);

    /// @notice Registers version 1 of a scenario. Operator only.
    function registerScenario(ScenarioInput calldata input) external returns (bytes32 codeKey);

    /// @notice Registers the next version of a scenario (same code and kind); earlier versions stay readable.
    /// Operator only.
    function registerScenarioVersion(ScenarioInput calldata input) external returns (uint16 version);

    /// @notice Retires a scenario: it stays readable, it is no longer counted as active, and grants for it as a purpose
    /// end. A film group or category is retired with every item under it. Operator only.
    function retireScenario(bytes32 codeKey) external;

    /// @notice The scenario with its newest version; reverts when unknown.
    function scenario(bytes32 codeKey) external view returns (Scenario memory);

    /// @notice One version of a scenario; reverts when unknown.
    function scenarioVersion(bytes32 codeKey, uint16 version) external view returns (ScenarioVersion memory);

    /// @notice Whether a scenario with this code key is registered and not retired.
    function isActive(bytes32 codeKey) external view returns (bool);

    /// @notice How many scenarios (all kinds, retired included) are registered.
    function scenarioCount() external view returns (uint256);

    /// @notice The code key of the scenario registered at position `index` (0-based, in registration order).
    function scenarioAt(uint256 index) external view returns (bytes32);

    /// @notice How many active (not retired) scenarios of a kind are registered.
    function activeCountOfKind(ScenarioKind kind) external view returns (uint256);

    /// @notice The code keys of the scenarios whose newest version names `codeKey` as parent (a film group's
    /// categories, a category's items), in registration order.
    function children(bytes32 codeKey) external view returns (bytes32[] memory);
}
