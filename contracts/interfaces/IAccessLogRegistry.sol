// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IVersioned} from "./IVersioned.sol";

/// @title IAccessLogRegistry
/// @notice Commitments of every department's access log: Merkle roots over contiguous ranges of log sequence
/// numbers, appended in order, so that an edited or truncated log shows. A commitment is never changed; one made in a
/// department's name that is not its gateway's (a misused signer key) can be rejected by the operator, which sets it
/// aside, on chain and readable, and lets the department commit its true range in its place.
interface IAccessLogRegistry is IVersioned {
    /// @notice The root of the access-log entries with sequence numbers fromSeq..toSeq (inclusive).
    struct Commitment {
        uint64 fromSeq;
        uint64 toSeq;
        uint64 committedAt;
        bytes32 root;
    }

    /// @notice A commitment the operator set aside, with the position it held and why.
    struct RejectedCommitment {
        Commitment commitment;
        uint256 formerIndex;
        uint64 rejectedAt;
        uint8 reason;
    }

    /// @notice Emitted when a department commits the next range of its access log.
    event AccessLogCommitted(
        uint32 indexed departmentId, uint256 indexed index, uint64 fromSeq, uint64 toSeq, bytes32 root
    );
    /// @notice Emitted for each commitment the operator sets aside.
    event AccessLogCommitmentRejected(
        uint32 indexed departmentId, uint256 indexed index, uint64 fromSeq, uint64 toSeq, bytes32 root, uint8 reason
    );

    /// @notice The caller's key signs for no department.
    error AccessLogRegistryNotDepartmentSigner(address account);
    /// @notice The department is suspended and may not write.
    error AccessLogRegistryDepartmentSuspended(uint32 departmentId);
    /// @notice The range does not start right after the last committed one.
    error AccessLogRegistryNotContiguous(uint32 departmentId, uint64 expectedFromSeq, uint64 fromSeq);
    /// @notice The range ends before it starts.
    error AccessLogRegistryEmptyRange(uint64 fromSeq, uint64 toSeq);
    /// @notice The range holds more entries than one commitment may (MAX_RANGE).
    error AccessLogRegistryRangeTooLarge(uint64 fromSeq, uint64 toSeq, uint64 maxRange);
    /// @notice The root is zero.
    error AccessLogRegistryEmptyRoot();
    /// @notice No commitment has this index, or none covers this sequence number.
    error AccessLogRegistryUnknownCommitment(uint32 departmentId, uint256 indexOrSeq);

    /// @notice Commits the caller's department's log entries fromSeq..toSeq under `root`; refused while the registry
    /// is closed.
    /// @dev Sequence numbers start at 1 (or where the previous registry's commitments end); each range starts right
    /// after the previous one and holds at most MAX_RANGE entries, so no key can use up the sequence numbers (that
    /// would take 2^48 commitments).
    function commit(uint64 fromSeq, uint64 toSeq, bytes32 root) external;

    /// @notice Sets aside the department's commitments from position `fromIndex` on (operator only): they stay
    /// readable through `rejectedAt`, and the department's next range starts where the first of them started.
    function rejectCommitments(uint32 departmentId, uint256 fromIndex, uint8 reason) external;

    /// @notice The sequence number the department's next range must start at.
    function nextSequence(uint32 departmentId) external view returns (uint64);

    /// @notice How many commitments the department has in force.
    function commitmentCount(uint32 departmentId) external view returns (uint256);

    /// @notice The department's commitment at position `index`.
    function commitmentAt(uint32 departmentId, uint256 index) external view returns (Commitment memory);

    /// @notice The department's commitment whose range holds sequence number `seq`, and its index.
    function commitmentFor(uint32 departmentId, uint64 seq)
        external
        view
        returns (uint256 index, Commitment memory commitment);

    /// @notice How many of the department's commitments were set aside.
    function rejectedCount(uint32 departmentId) external view returns (uint256);

    /// @notice The department's `index`-th commitment set aside, oldest first.
    function rejectedAt(uint32 departmentId, uint256 index) external view returns (RejectedCommitment memory);

    /// @notice The registry this one continues (0 for the first): its commitments come before this one's.
    function previousRegistry() external view returns (address);
}
