// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessLogRegistry} from "./interfaces/IAccessLogRegistry.sol";
import {IDepartmentRegistry} from "./interfaces/IDepartmentRegistry.sol";
import {IVersioned} from "./interfaces/IVersioned.sol";

/// @title AccessLogRegistry
/// @notice Append-only, contiguous access-log commitments per department. There is no function that changes or
/// removes a commitment: a root, once committed, is fixed.
contract AccessLogRegistry is IAccessLogRegistry {
    IDepartmentRegistry private immutable _departments;

    mapping(uint32 departmentId => Commitment[] commitments) private _commitments;

    constructor(IDepartmentRegistry departments) {
        _departments = departments;
    }

    /// @inheritdoc IAccessLogRegistry
    function commit(uint64 fromSeq, uint64 toSeq, bytes32 root) external {
        (uint32 department, bool suspended) = _departments.signerDepartment(msg.sender);
        if (department == 0) revert AccessLogRegistryNotDepartmentSigner(msg.sender);
        if (suspended) revert AccessLogRegistryDepartmentSuspended(department);
        if (root == bytes32(0)) revert AccessLogRegistryEmptyRoot();
        uint64 expected = nextSequence(department);
        if (fromSeq != expected) revert AccessLogRegistryNotContiguous(department, expected, fromSeq);
        if (toSeq < fromSeq) revert AccessLogRegistryEmptyRange(fromSeq, toSeq);
        if (toSeq == type(uint64).max) revert AccessLogRegistrySequenceExhausted(toSeq);
        Commitment[] storage list = _commitments[department];
        list.push(Commitment({fromSeq: fromSeq, toSeq: toSeq, committedAt: uint64(block.timestamp), root: root}));
        emit AccessLogCommitted(department, list.length - 1, fromSeq, toSeq, root);
    }

    /// @inheritdoc IAccessLogRegistry
    function nextSequence(uint32 departmentId) public view returns (uint64) {
        Commitment[] storage list = _commitments[departmentId];
        return list.length == 0 ? 1 : list[list.length - 1].toSeq + 1;
    }

    /// @inheritdoc IAccessLogRegistry
    function commitmentCount(uint32 departmentId) external view returns (uint256) {
        return _commitments[departmentId].length;
    }

    /// @inheritdoc IAccessLogRegistry
    function commitmentAt(uint32 departmentId, uint256 index) external view returns (Commitment memory) {
        Commitment[] storage list = _commitments[departmentId];
        if (index >= list.length) revert AccessLogRegistryUnknownCommitment(departmentId, index);
        return list[index];
    }

    /// @inheritdoc IAccessLogRegistry
    function commitmentFor(uint32 departmentId, uint64 seq)
        external
        view
        returns (uint256 index, Commitment memory commitment)
    {
        Commitment[] storage list = _commitments[departmentId];
        uint256 low = 0;
        uint256 high = list.length;
        // Ranges are contiguous and ascending: binary search for the first range ending at or after seq.
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (list[mid].toSeq < seq) low = mid + 1;
            else high = mid;
        }
        if (low == list.length || list[low].fromSeq > seq) revert AccessLogRegistryUnknownCommitment(departmentId, seq);
        return (low, list[low]);
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "1.0.0";
    }
}
