// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IVersioned} from "./IVersioned.sol";

/// @title IAccessLogRegistry
/// @notice Commitments of every department's access log: Merkle roots over contiguous ranges of log sequence
/// numbers, appended in order and never changed, so that an edited or truncated log shows.
interface IAccessLogRegistry is IVersioned {
    /// @notice The root of the access-log entries with sequence numbers fromSeq..toSeq (inclusive).
    struct Commitment {
        uint64 fromSeq;
        uint64 toSeq;
        uint64 committedAt;
        bytes32 root;
    }

    /// @notice Emitted when a department commits the next range of its access log.
    event AccessLogCommitted(
        uint32 indexed departmentId, uint256 indexed index, uint64 fromSeq, uint64 toSeq, bytes32 root
    );

    /// @notice The caller's key signs for no department.
    error AccessLogRegistryNotDepartmentSigner(address account);
    /// @notice The department is suspended and may not write.
    error AccessLogRegistryDepartmentSuspended(uint32 departmentId);
    /// @notice The range does not start right after the last committed one.
    error AccessLogRegistryNotContiguous(uint32 departmentId, uint64 expectedFromSeq, uint64 fromSeq);
    /// @notice The range ends before it starts.
    error AccessLogRegistryEmptyRange(uint64 fromSeq, uint64 toSeq);
    /// @notice The range ends at the last sequence number there is, after which no range could follow.
    error AccessLogRegistrySequenceExhausted(uint64 toSeq);
    /// @notice The root is zero.
    error AccessLogRegistryEmptyRoot();
    /// @notice No commitment has this index, or none covers this sequence number.
    error AccessLogRegistryUnknownCommitment(uint32 departmentId, uint256 indexOrSeq);

    /// @notice Commits the caller's department's log entries fromSeq..toSeq under `root`.
    /// @dev Sequence numbers start at 1; each range starts right after the previous one.
    function commit(uint64 fromSeq, uint64 toSeq, bytes32 root) external;

    /// @notice The sequence number the department's next range must start at.
    function nextSequence(uint32 departmentId) external view returns (uint64);

    /// @notice How many commitments the department has made.
    function commitmentCount(uint32 departmentId) external view returns (uint256);

    /// @notice The department's commitment at position `index`.
    function commitmentAt(uint32 departmentId, uint256 index) external view returns (Commitment memory);

    /// @notice The department's commitment whose range holds sequence number `seq`, and its index.
    function commitmentFor(uint32 departmentId, uint64 seq)
        external
        view
        returns (uint256 index, Commitment memory commitment);
}
