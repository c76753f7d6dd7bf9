// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ICredentialTypeRegistry} from "./interfaces/ICredentialTypeRegistry.sol";
import {IDepartmentRegistry} from "./interfaces/IDepartmentRegistry.sol";
import {IScenarioRegistry} from "./interfaces/IScenarioRegistry.sol";
import {IVersioned} from "./interfaces/IVersioned.sol";

/// @title ScenarioRegistry
/// @notice Scenario definitions by hash, versioned; the film platform is a group whose categories and items name
/// their parent.
contract ScenarioRegistry is IScenarioRegistry, AccessManaged {
    struct Entry {
        string code;
        string nameZh;
        string nameEn;
        bool retired;
        ScenarioVersion[] versions;
    }

    IDepartmentRegistry private immutable _departments;
    ICredentialTypeRegistry private immutable _types;

    mapping(bytes32 codeKey => Entry entry) private _scenarios;
    mapping(ScenarioKind kind => uint256 count) private _activeCount;
    /// @dev The film tree downwards, so that retiring a group or category reaches every item under it.
    mapping(bytes32 parent => bytes32[] codeKeys) private _children;
    bytes32[] private _keys;

    constructor(address authority, IDepartmentRegistry departments, ICredentialTypeRegistry types)
        AccessManaged(authority)
    {
        _departments = departments;
        _types = types;
    }

    /// @inheritdoc IScenarioRegistry
    function registerScenario(ScenarioInput calldata input) external restricted returns (bytes32 codeKey) {
        if (bytes(input.code).length == 0) revert ScenarioRegistryEmptyCode();
        codeKey = keccak256(bytes(input.code));
        Entry storage e = _scenarios[codeKey];
        if (e.versions.length != 0) revert ScenarioRegistryCodeTaken(codeKey);
        e.code = input.code;
        e.nameZh = input.nameZh;
        e.nameEn = input.nameEn;
        _keys.push(codeKey);
        ++_activeCount[input.kind];
        _addVersion(codeKey, e, input);
    }

    /// @inheritdoc IScenarioRegistry
    function registerScenarioVersion(ScenarioInput calldata input) external restricted returns (uint16) {
        bytes32 codeKey = keccak256(bytes(input.code));
        Entry storage e = _requireScenario(codeKey);
        if (e.retired) revert ScenarioRegistryRetired(codeKey);
        ScenarioVersion storage latest = e.versions[e.versions.length - 1];
        if (latest.kind != input.kind) revert ScenarioRegistryKindChanged(codeKey, latest.kind, input.kind);
        bytes32 formerParent = latest.parent;
        e.nameZh = input.nameZh;
        e.nameEn = input.nameEn;
        uint16 v = _addVersion(codeKey, e, input);
        if (formerParent != input.parent) _removeChild(formerParent, codeKey);
        return v;
    }

    /// @inheritdoc IScenarioRegistry
    function retireScenario(bytes32 codeKey) external restricted {
        Entry storage e = _requireScenario(codeKey);
        if (e.retired) revert ScenarioRegistryRetired(codeKey);
        _retire(codeKey, e);
    }

    /// @inheritdoc IScenarioRegistry
    function scenario(bytes32 codeKey) external view returns (Scenario memory) {
        Entry storage e = _requireScenario(codeKey);
        uint256 n = e.versions.length;
        return Scenario({
            code: e.code,
            nameZh: e.nameZh,
            nameEn: e.nameEn,
            retired: e.retired,
            versionCount: uint16(n),
            latest: e.versions[n - 1]
        });
    }

    /// @inheritdoc IScenarioRegistry
    function scenarioVersion(bytes32 codeKey, uint16 version_) external view returns (ScenarioVersion memory) {
        Entry storage e = _requireScenario(codeKey);
        if (version_ == 0 || version_ > e.versions.length) revert ScenarioRegistryUnknownScenario(codeKey);
        return e.versions[version_ - 1];
    }

    /// @inheritdoc IScenarioRegistry
    function isActive(bytes32 codeKey) public view returns (bool) {
        Entry storage e = _scenarios[codeKey];
        return e.versions.length != 0 && !e.retired;
    }

    /// @inheritdoc IScenarioRegistry
    function scenarioCount() external view returns (uint256) {
        return _keys.length;
    }

    /// @inheritdoc IScenarioRegistry
    function scenarioAt(uint256 index) external view returns (bytes32) {
        return _keys[index];
    }

    /// @inheritdoc IScenarioRegistry
    function activeCountOfKind(ScenarioKind kind) external view returns (uint256) {
        return _activeCount[kind];
    }

    /// @inheritdoc IScenarioRegistry
    function children(bytes32 codeKey) external view returns (bytes32[] memory) {
        return _children[codeKey];
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    function _addVersion(bytes32 codeKey, Entry storage e, ScenarioInput calldata input) private returns (uint16 v) {
        if (input.definitionHash == bytes32(0)) revert ScenarioRegistryEmptyDefinitionHash();
        _checkParent(codeKey, input.parent, input.kind);
        for (uint256 i = 0; i < input.requiredTypes.length; ++i) {
            if (_types.latestTypeId(input.requiredTypes[i]) == 0) {
                revert ScenarioRegistryUnknownCredentialType(input.requiredTypes[i]);
            }
        }
        uint32 departmentCount = _departments.departmentCount();
        for (uint256 i = 0; i < input.departments.length; ++i) {
            uint32 d = input.departments[i];
            if (d == 0 || d > departmentCount) revert ScenarioRegistryUnknownDepartment(d);
        }
        v = uint16(e.versions.length + 1);
        ScenarioVersion storage sv = e.versions.push();
        sv.version = v;
        sv.kind = input.kind;
        sv.registeredAt = uint64(block.timestamp);
        sv.definitionHash = input.definitionHash;
        sv.parent = input.parent;
        sv.requiredTypes = input.requiredTypes;
        sv.departments = input.departments;
        if (input.parent != bytes32(0) && (v == 1 || e.versions[v - 2].parent != input.parent)) {
            _children[input.parent].push(codeKey);
        }
        emit ScenarioRegistered(codeKey, v, input.kind, input.definitionHash, input.parent);
    }

    /// @dev Retires a scenario and, below a film group or category, every active scenario under it: a film item is
    /// only offered under a live category of a live group. The film tree is two levels deep below its group.
    function _retire(bytes32 codeKey, Entry storage e) private {
        e.retired = true;
        --_activeCount[e.versions[e.versions.length - 1].kind];
        emit ScenarioRetired(codeKey, uint64(block.timestamp));
        bytes32[] storage below = _children[codeKey];
        for (uint256 i = 0; i < below.length; ++i) {
            Entry storage child = _scenarios[below[i]];
            if (!child.retired) _retire(below[i], child);
        }
    }

    function _removeChild(bytes32 parent, bytes32 codeKey) private {
        if (parent == bytes32(0)) return;
        bytes32[] storage list = _children[parent];
        for (uint256 i = 0; i < list.length; ++i) {
            if (list[i] == codeKey) {
                // Shifted, not swapped: the list keeps registration order.
                for (uint256 j = i + 1; j < list.length; ++j) {
                    list[j - 1] = list[j];
                }
                list.pop();
                return;
            }
        }
    }

    function _requireScenario(bytes32 codeKey) private view returns (Entry storage e) {
        e = _scenarios[codeKey];
        if (e.versions.length == 0) revert ScenarioRegistryUnknownScenario(codeKey);
    }

    /// @dev The film platform is a tree (group, categories, items) and the only place parents appear, so no chain of
    /// parents can loop back on itself.
    function _checkParent(bytes32 codeKey, bytes32 parent, ScenarioKind kind) private view {
        ScenarioKind expected;
        if (kind == ScenarioKind.FilmCategory) expected = ScenarioKind.FilmGroup;
        else if (kind == ScenarioKind.FilmItem) expected = ScenarioKind.FilmCategory;
        else if (parent == bytes32(0)) return;
        else revert ScenarioRegistryInvalidParent(parent, kind);
        if (parent == bytes32(0)) revert ScenarioRegistryInvalidParent(parent, kind);
        Entry storage p = _scenarios[parent];
        if (p.versions.length == 0) revert ScenarioRegistryUnknownParent(parent);
        if (parent == codeKey || p.retired || p.versions[p.versions.length - 1].kind != expected) {
            revert ScenarioRegistryInvalidParent(parent, kind);
        }
    }
}
