// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessLogRegistry} from "../../contracts/interfaces/IAccessLogRegistry.sol";
import {RegistrySetup} from "./utils/RegistrySetup.sol";
import {vm} from "./utils/Vm.sol";

/// @title AccessLogContiguityTest
/// @notice Any sequence of access-log commits, valid or not, by department signers (psb with two keys) and an
/// outsider, with departments suspended and reinstated and the operator setting commitments aside between them, leaves
/// every department's log a contiguous run of ranges from sequence 1, each with the root and time it was committed
/// with, and every commitment set aside readable as it was; every refused commit is refused with the error the rules
/// predict and changes nothing.
contract AccessLogContiguityTest is RegistrySetup {
    uint64 private constant _MAX = type(uint64).max;
    uint64 private constant _MAX_RANGE = 65_536;

    mapping(uint32 departmentId => IAccessLogRegistry.Commitment[] commitments) private _model;
    mapping(uint32 departmentId => IAccessLogRegistry.Commitment[] commitments) private _rejectedModel;
    mapping(uint32 departmentId => bool suspended) private _suspended;
    uint256 private _clock;

    function setUp() public {
        _setUpRegistries();
        _clock = START_TIME;
    }

    /// @notice Sixteen fuzzed operations; after each, all three logs match the model exactly.
    /// forge-config: default.fuzz.runs = 256
    function testFuzz_anySequenceOfCommitsKeepsLogsContiguousAndRootsFixed(uint256[16] memory ops, bytes32 salt)
        public
    {
        for (uint256 i = 0; i < ops.length; ++i) {
            _clock += bound(ops[i] >> 224, 0, 1 days);
            vm.warp(_clock);
            _apply(ops[i], keccak256(abi.encode(salt, i)));
            for (uint32 d = PSB; d <= TOBACCO; ++d) _assertLogMatchesModel(d, ops[i] >> 96);
        }
    }

    /// @notice commitmentFor finds, for every sequence number of a log, the one range holding it, and refuses 0 and
    /// every number past the end.
    function testFuzz_commitmentForFindsTheHoldingRange(uint16[8] memory lengths, uint256 seqSeed) public {
        vm.startPrank(marketSigner);
        uint64 next = 1;
        for (uint256 i = 0; i < lengths.length; ++i) {
            uint64 to = next + uint64(lengths[i] % 500);
            accessLog.commit(next, to, keccak256(abi.encode(i)));
            next = to + 1;
        }
        vm.stopPrank();
        uint64 seq = uint64(bound(seqSeed, 1, next - 1));
        (uint256 index, IAccessLogRegistry.Commitment memory c) = accessLog.commitmentFor(MARKET, seq);
        assertTrue(c.fromSeq <= seq && seq <= c.toSeq, "range does not hold seq");
        assertEq(c.root, keccak256(abi.encode(index)), "root of the holding range");
        vm.expectRevert(
            abi.encodeWithSelector(IAccessLogRegistry.AccessLogRegistryUnknownCommitment.selector, MARKET, uint256(0))
        );
        accessLog.commitmentFor(MARKET, 0);
        uint64 past = uint64(bound(seqSeed >> 64, next, _MAX));
        vm.expectRevert(
            abi.encodeWithSelector(IAccessLogRegistry.AccessLogRegistryUnknownCommitment.selector, MARKET, uint256(past))
        );
        accessLog.commitmentFor(MARKET, past);
    }

    /// @notice A range holds at most MAX_RANGE entries, wherever it starts: no key can commit a range that leaves the
    /// log no sequence numbers to continue with.
    function testFuzz_rangeLongerThanMaxRangeIsRefused(uint64 length, uint64 toSeq) public {
        length = uint64(bound(length, 1, _MAX_RANGE));
        toSeq = uint64(bound(toSeq, uint256(length) + 1 + _MAX_RANGE, _MAX));
        vm.startPrank(psbSigner);
        accessLog.commit(1, length, keccak256("first"));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessLogRegistry.AccessLogRegistryRangeTooLarge.selector, length + 1, toSeq, _MAX_RANGE
            )
        );
        accessLog.commit(length + 1, toSeq, keccak256("too long"));
        accessLog.commit(length + 1, length + _MAX_RANGE, keccak256("as long as allowed"));
        vm.stopPrank();
        assertEq(accessLog.nextSequence(PSB), uint256(length) + _MAX_RANGE + 1, "nextSequence");
        assertEq(accessLog.commitmentCount(PSB), 2, "commitments");
    }

    // ---------------------------------------------------------------------------------------------------------------

    /// @dev One operation: op % 5 picks the caller (psb, psb's second key, market, tobacco, outsider), (op >> 8) % 11
    /// the kind: 0-4 a valid next range, 5 a range not starting at nextSequence, 6 a range ending before it starts,
    /// 7 a zero root, 8 the operator toggling a department's suspension, 9 a range of fuzzed length up to uint64 max,
    /// 10 the operator setting a department's commitments aside from a fuzzed index on.
    function _apply(uint256 op, bytes32 root) private {
        uint256 kind = (op >> 8) % 11;
        if (kind == 10) {
            _reject(uint32(PSB + (op >> 16) % 3), op >> 24);
            return;
        }
        if (kind == 8) {
            uint32 d = uint32(PSB + (op >> 16) % 3);
            if (_suspended[d]) departments.reinstateDepartment(d);
            else departments.suspendDepartment(d);
            _suspended[d] = !_suspended[d];
            return;
        }
        address caller = [psbSigner, psbSigner2, marketSigner, tobaccoSigner, outsider][op % 5];
        uint32 department = [PSB, PSB, MARKET, TOBACCO, uint32(0)][op % 5];
        uint64 next = _nextOf(department);
        uint64 from = next;
        uint64 to = uint64(_min(uint256(next) + bound(op >> 16, 0, 1000), _MAX));
        if (kind == 5) {
            uint256 shift = bound(op >> 16, 1, 5);
            from = (op >> 40) % 2 == 0 || next <= shift ? uint64(_min(uint256(next) + shift, _MAX)) : next - uint64(shift);
            if (from == next) from = 0; // next == max: 0 is the wrong start that is left
        } else if (kind == 6) {
            to = next - 1 - uint64(bound(op >> 16, 0, next - 1));
        } else if (kind == 7) {
            root = bytes32(0);
        } else if (kind == 9) {
            to = uint64(bound(op >> 16, next, _MAX));
        }

        bytes memory expectedError = _predict(department, from, to, root, caller);
        vm.prank(caller);
        if (expectedError.length != 0) vm.expectRevert(expectedError);
        accessLog.commit(from, to, root);
        if (expectedError.length == 0) {
            _model[department].push(
                IAccessLogRegistry.Commitment({fromSeq: from, toSeq: to, committedAt: uint64(_clock), root: root})
            );
        }
    }

    /// @dev The rules, in the order the registry applies them; empty when the commit must be accepted.
    function _predict(uint32 department, uint64 from, uint64 to, bytes32 root, address caller)
        private
        view
        returns (bytes memory)
    {
        if (department == 0) {
            return abi.encodeWithSelector(IAccessLogRegistry.AccessLogRegistryNotDepartmentSigner.selector, caller);
        }
        if (_suspended[department]) {
            return abi.encodeWithSelector(IAccessLogRegistry.AccessLogRegistryDepartmentSuspended.selector, department);
        }
        if (root == bytes32(0)) return abi.encodeWithSelector(IAccessLogRegistry.AccessLogRegistryEmptyRoot.selector);
        uint64 next = _nextOf(department);
        if (from != next) {
            return abi.encodeWithSelector(
                IAccessLogRegistry.AccessLogRegistryNotContiguous.selector, department, next, from
            );
        }
        if (to < from) {
            return abi.encodeWithSelector(IAccessLogRegistry.AccessLogRegistryEmptyRange.selector, from, to);
        }
        if (to - from >= _MAX_RANGE) {
            return abi.encodeWithSelector(IAccessLogRegistry.AccessLogRegistryRangeTooLarge.selector, from, to, _MAX_RANGE);
        }
        return "";
    }

    /// @dev The operator sets the department's commitments aside from `indexSeed` (bounded to the log); on an empty log
    /// the registry refuses, as predicted.
    function _reject(uint32 department, uint256 indexSeed) private {
        IAccessLogRegistry.Commitment[] storage kept = _model[department];
        if (kept.length == 0) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessLogRegistry.AccessLogRegistryUnknownCommitment.selector, department, uint256(0)
                )
            );
            accessLog.rejectCommitments(department, 0, 1);
            return;
        }
        uint256 from = bound(indexSeed, 0, kept.length - 1);
        accessLog.rejectCommitments(department, from, 1);
        for (uint256 i = from; i < kept.length; ++i) _rejectedModel[department].push(kept[i]);
        while (kept.length > from) kept.pop();
    }

    function _assertLogMatchesModel(uint32 department, uint256 seqSeed) private view {
        IAccessLogRegistry.Commitment[] storage want = _model[department];
        uint256 n = want.length;
        assertEq(accessLog.commitmentCount(department), n, "commitmentCount");
        uint64 expectedFrom = 1;
        for (uint256 i = 0; i < n; ++i) {
            IAccessLogRegistry.Commitment memory got = accessLog.commitmentAt(department, i);
            assertEq(got.fromSeq, expectedFrom, "range does not start right after the previous one");
            assertTrue(got.toSeq >= got.fromSeq, "empty range stored");
            assertEq(got.fromSeq, want[i].fromSeq, "fromSeq changed");
            assertEq(got.toSeq, want[i].toSeq, "toSeq changed");
            assertEq(got.committedAt, want[i].committedAt, "committedAt changed");
            assertEq(got.root, want[i].root, "root changed");
            expectedFrom = got.toSeq + 1;
        }
        assertEq(accessLog.nextSequence(department), expectedFrom, "nextSequence");
        IAccessLogRegistry.Commitment[] storage setAside = _rejectedModel[department];
        assertEq(accessLog.rejectedCount(department), setAside.length, "rejectedCount");
        for (uint256 i = 0; i < setAside.length; ++i) {
            IAccessLogRegistry.RejectedCommitment memory got = accessLog.rejectedAt(department, i);
            assertEq(got.commitment.fromSeq, setAside[i].fromSeq, "rejected fromSeq");
            assertEq(got.commitment.toSeq, setAside[i].toSeq, "rejected toSeq");
            assertEq(got.commitment.root, setAside[i].root, "rejected root");
        }
        if (n != 0) {
            uint64 seq = uint64(bound(seqSeed, 1, expectedFrom - 1));
            (uint256 index, IAccessLogRegistry.Commitment memory holding) = accessLog.commitmentFor(department, seq);
            assertTrue(want[index].fromSeq <= seq && seq <= want[index].toSeq, "commitmentFor index");
            assertEq(holding.root, want[index].root, "commitmentFor root");
        }
    }

    function _nextOf(uint32 department) private view returns (uint64) {
        uint256 n = _model[department].length;
        return n == 0 ? 1 : _model[department][n - 1].toSeq + 1;
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
