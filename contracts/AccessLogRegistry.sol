// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Closable} from "./access/Closable.sol";
import {IAccessLogRegistry} from "./interfaces/IAccessLogRegistry.sol";
import {IDepartmentRegistry} from "./interfaces/IDepartmentRegistry.sol";
import {IVersioned} from "./interfaces/IVersioned.sol";

/// @title AccessLogRegistry
/// @notice Contiguous access-log commitments per department. No function changes a commitment: the operator can only
/// set the newest ones aside (rejectCommitments), where they stay readable.
contract AccessLogRegistry is IAccessLogRegistry, Closable {
    /// @notice The most entries one commitment may cover: 2^16, far above what a gateway commits at once.
    uint64 public constant MAX_RANGE = 65_536;

    IDepartmentRegistry private immutable _departments;
    IAccessLogRegistry private immutable _previous;

    mapping(uint32 departmentId => Commitment[] commitments) private _commitments;
    mapping(uint32 departmentId => RejectedCommitment[] rejected) private _rejected;

    /// @param previous The registry this one replaces (0 for none): each department's sequence continues from it.
    constructor(address authority, IDepartmentRegistry departments, IAccessLogRegistry previous)
        AccessManaged(authority)
    {
        _departments = departments;
        _previous = previous;
    }

    /// @inheritdoc IAccessLogRegistry
    function commit(uint64 fromSeq, uint64 toSeq, bytes32 root) external {
        _requireOpen();
        (uint32 department, bool suspended) = _departments.signerDepartment(msg.sender);
        if (department == 0) revert AccessLogRegistryNotDepartmentSigner(msg.sender);
        if (suspended) revert AccessLogRegistryDepartmentSuspended(department);
        if (root == bytes32(0)) revert AccessLogRegistryEmptyRoot();
        uint64 expected = nextSequence(department);
        if (fromSeq != expected) revert AccessLogRegistryNotContiguous(department, expected, fromSeq);
        if (toSeq < fromSeq) revert AccessLogRegistryEmptyRange(fromSeq, toSeq);
        if (toSeq - fromSeq >= MAX_RANGE) revert AccessLogRegistryRangeTooLarge(fromSeq, toSeq, MAX_RANGE);
        Commitment[] storage list = _commitments[department];
        list.push(Commitment({fromSeq: fromSeq, toSeq: toSeq, committedAt: uint64(block.timestamp), root: root}));
        emit AccessLogCommitted(department, list.length - 1, fromSeq, toSeq, root);
    }

    /// @inheritdoc IAccessLogRegistry
    function rejectCommitments(uint32 departmentId, uint256 fromIndex, uint8 reason) external restricted {
        Commitment[] storage list = _commitments[departmentId];
        if (fromIndex >= list.length) revert AccessLogRegistryUnknownCommitment(departmentId, fromIndex);
        RejectedCommitment[] storage rejected = _rejected[departmentId];
        for (uint256 index = fromIndex; index < list.length; ++index) {
            Commitment memory c = list[index];
            rejected.push(
                RejectedCommitment({
                    commitment: c,
                    formerIndex: index,
                    rejectedAt: uint64(block.timestamp),
                    reason: reason
                })
            );
            emit AccessLogCommitmentRejected(departmentId, index, c.fromSeq, c.toSeq, c.root, reason);
        }
        while (list.length > fromIndex) list.pop();
    }

    /// @inheritdoc IAccessLogRegistry
    function nextSequence(uint32 departmentId) public view returns (uint64) {
        Commitment[] storage list = _commitments[departmentId];
        if (list.length != 0) return list[list.length - 1].toSeq + 1;
        return address(_previous) == address(0) ? 1 : _previous.nextSequence(departmentId);
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

    /// @inheritdoc IAccessLogRegistry
    function rejectedCount(uint32 departmentId) external view returns (uint256) {
        return _rejected[departmentId].length;
    }

    /// @inheritdoc IAccessLogRegistry
    function rejectedAt(uint32 departmentId, uint256 index) external view returns (RejectedCommitment memory) {
        RejectedCommitment[] storage rejected = _rejected[departmentId];
        if (index >= rejected.length) revert AccessLogRegistryUnknownCommitment(departmentId, index);
        return rejected[index];
    }

    /// @inheritdoc IAccessLogRegistry
    function previousRegistry() external view returns (address) {
        return address(_previous);
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "2.0.0";
    }
}
