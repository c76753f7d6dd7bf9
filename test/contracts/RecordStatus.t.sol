// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICredentialRecordRegistry} from "../../contracts/interfaces/ICredentialRecordRegistry.sol";
import {RecordStatusRules} from "../../contracts/libraries/RecordStatusRules.sol";
import {RecordStatusReference} from "./utils/RecordStatusReference.sol";
import {RegistrySetup} from "./utils/RegistrySetup.sol";
import {vm} from "./utils/Vm.sol";

/// @title RecordStatusTest
/// @notice A record's status is a pure function of its stored facts, the issuer's standing and the time.
contract RecordStatusTest is RegistrySetup, RecordStatusReference {
    uint256 private constant YEAR = 365 days;
    uint256 private constant MAX_UINT40 = type(uint40).max;

    uint256 private _nonce;

    function setUp() public {
        _setUpRegistries();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // RecordStatusRules.decide against the reference
    // ---------------------------------------------------------------------------------------------------------------

    /// forge-config: default.fuzz.runs = 512
    function testFuzz_decideMatchesReference(
        ICredentialRecordRegistry.RecordEvidence memory evidence,
        uint256 time,
        bool issuerAuthorised,
        bool issuerSuspended
    ) public pure {
        _assertStatus(
            RecordStatusRules.decide(evidence, time, issuerAuthorised, issuerSuspended),
            _referenceStatus(evidence, time, issuerAuthorised, issuerSuspended),
            "decide vs reference"
        );
    }

    /// @notice The same, with the time and validity placed around each other (a uniform fuzz of three uint64s almost
    /// never lands on a boundary): every second from one before validFrom to one after validUntil is reachable.
    /// forge-config: default.fuzz.runs = 512
    function testFuzz_decideMatchesReferenceAtValidityBoundaries(
        uint64 validFrom,
        uint256 lengthSeed,
        uint256 offsetSeed,
        uint8 flags
    ) public pure {
        ICredentialRecordRegistry.RecordEvidence memory e;
        e.anchoredAt = flags & 1 == 0 ? uint64(START_TIME) : 0;
        e.revokedAt = flags & 2 == 0 ? 0 : uint64(START_TIME + 1);
        e.supersededBy = flags & 4 == 0 ? bytes32(0) : keccak256("newer");
        e.validFrom = validFrom;
        uint256 length = bound(lengthSeed, 0, 3);
        e.validUntil = flags & 8 == 0 ? uint64(bound(uint256(validFrom) + length, 0, type(uint64).max)) : 0;
        // -2 .. +length+2 around validFrom, clamped at 0.
        uint256 offset = bound(offsetSeed, 0, length + 4);
        uint256 time = uint256(validFrom) + offset < 2 ? 0 : uint256(validFrom) + offset - 2;
        bool authorised = flags & 16 == 0;
        bool suspended = flags & 32 != 0;

        ICredentialRecordRegistry.RecordStatus status = RecordStatusRules.decide(e, time, authorised, suspended);
        _assertStatus(status, _referenceStatus(e, time, authorised, suspended), "decide vs reference at boundary");
        if (status == ICredentialRecordRegistry.RecordStatus.Valid) {
            assertTrue(time >= e.validFrom, "valid before validFrom");
            assertTrue(e.validUntil == 0 || time <= e.validUntil, "valid after validUntil");
        }
    }

    /// @notice Only anchoredAt, revokedAt, supersededBy, validFrom and validUntil count: the issuer, type, reason,
    /// batch root and the backwards supersession link do not change the verdict.
    function testFuzz_decideIgnoresFactsOutsideTheRules(
        ICredentialRecordRegistry.RecordEvidence memory e,
        ICredentialRecordRegistry.RecordEvidence memory other,
        uint256 time,
        bool issuerAuthorised,
        bool issuerSuspended
    ) public pure {
        ICredentialRecordRegistry.RecordStatus before = RecordStatusRules.decide(e, time, issuerAuthorised, issuerSuspended);
        e.issuer = other.issuer;
        e.credentialType = other.credentialType;
        e.revocationReason = other.revocationReason;
        e.batchRoot = other.batchRoot;
        e.supersedes = other.supersedes;
        _assertStatus(
            RecordStatusRules.decide(e, time, issuerAuthorised, issuerSuspended), before, "irrelevant fact changed status"
        );
    }

    /// @notice For a live record of a standing issuer, time only moves the verdict forward:
    /// NotYetValid, then Valid, then Expired, never back.
    function testFuzz_decideIsMonotonicInTime(uint64 validFrom, uint64 validUntil, uint256 t1, uint256 t2)
        public
        pure
    {
        vm.assume(validUntil == 0 || validUntil >= validFrom);
        if (t1 > t2) (t1, t2) = (t2, t1);
        ICredentialRecordRegistry.RecordEvidence memory e;
        e.anchoredAt = uint64(START_TIME);
        e.validFrom = validFrom;
        e.validUntil = validUntil;
        uint256 r1 = _timeRank(RecordStatusRules.decide(e, t1, true, false));
        uint256 r2 = _timeRank(RecordStatusRules.decide(e, t2, true, false));
        assertTrue(r1 <= r2, "status went back in time");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Through the registry
    // ---------------------------------------------------------------------------------------------------------------

    struct Plan {
        uint256 anchorTime;
        uint64 validFrom;
        uint64 validUntil;
        uint256 eventTime;
        uint256 checkTime;
        bool revoke;
        uint8 reason;
        bool supersede;
        bool endAuthority;
        bool suspend;
    }

    /// @notice Anchor with fuzzed validity at a fuzzed time; later (at least a second after anchoring) maybe supersede,
    /// revoke, end the issuer's authority and suspend it; warp to a fuzzed time: recordStatus is the reference verdict
    /// over the facts the test put on chain, and its evidence is exactly those facts.
    /// forge-config: default.fuzz.runs = 256
    function testFuzz_registryStatusMatchesReference(
        uint256 anchorSeed,
        uint256 fromSeed,
        uint256 lengthSeed,
        uint256 eventSeed,
        uint256 checkSeed,
        uint8 flags
    ) public {
        Plan memory p = _plan(anchorSeed, fromSeed, lengthSeed, eventSeed, checkSeed, flags);
        bytes32 recordHash = _nextHash();
        bytes32 newerHash = bytes32(0);

        vm.warp(p.anchorTime);
        vm.prank(psbSigner);
        records.anchor(recordHash, keccak256("subject"), RESIDENT_ID, p.validFrom, p.validUntil);

        vm.warp(p.eventTime);
        if (p.supersede) {
            newerHash = _nextHash();
            vm.prank(psbSigner2);
            records.anchor(newerHash, keccak256("subject"), RESIDENT_ID, p.validFrom, 0);
            vm.prank(psbSigner);
            records.supersede(recordHash, newerHash);
        }
        if (p.revoke) {
            vm.prank(psbSigner2);
            records.revokeRecord(recordHash, p.reason);
        }
        if (p.endAuthority) types.revokeIssuer(RESIDENT_ID, PSB);
        if (p.suspend) departments.suspendDepartment(PSB);

        vm.warp(p.checkTime);
        (ICredentialRecordRegistry.RecordStatus status, ICredentialRecordRegistry.RecordEvidence memory got) =
            records.recordStatus(PSB, recordHash);

        ICredentialRecordRegistry.RecordEvidence memory expected;
        expected.issuer = PSB;
        expected.credentialType = RESIDENT_ID;
        expected.anchoredAt = uint64(p.anchorTime);
        expected.validFrom = p.validFrom;
        expected.validUntil = p.validUntil;
        expected.revokedAt = p.revoke ? uint64(p.eventTime) : 0;
        expected.revocationReason = p.revoke ? p.reason : 0;
        expected.supersededBy = newerHash;
        _assertEvidence(got, expected);
        // The issuer anchored while authoritative; authority ending later does not reach back.
        _assertStatus(status, _referenceStatus(expected, p.checkTime, true, p.suspend), "recordStatus vs reference");
        // And the registry's own verdict is decide() over its own evidence and the department registry's answers.
        _assertStatus(
            status,
            RecordStatusRules.decide(
                got,
                p.checkTime,
                departments.isAuthorisedIssuer(got.issuer, address(types), got.credentialType, got.anchoredAt),
                departments.isSuspended(got.issuer)
            ),
            "recordStatus vs decide(evidence)"
        );
    }

    /// @notice A record's verdict is a function of (facts, time): reading several records at several times gives
    /// the same answers whatever the order of the reads, and the same facts reached through the write operations in
    /// another (allowed) order give the same verdicts at the same time.
    /// forge-config: default.fuzz.runs = 128
    function testFuzz_sameFactsSameTimeSameVerdictRegardlessOfOrder(
        uint256 anchorSeed,
        uint256 fromSeed,
        uint256 lengthSeed,
        uint256 eventSeed,
        uint256[3] memory checkSeeds,
        uint256 permutationSeed
    ) public {
        uint256 anchorTime = bound(anchorSeed, START_TIME + 1, START_TIME + 5 * YEAR);
        uint64 validFrom = uint64(bound(fromSeed, anchorTime - YEAR, anchorTime + YEAR));
        uint64 validUntil = uint64(validFrom + bound(lengthSeed, 0, 3 * YEAR));
        uint256 eventTime = bound(eventSeed, anchorTime + 1, anchorTime + 2 * YEAR);
        uint256[3] memory checkTimes;
        for (uint256 i = 0; i < 3; ++i) checkTimes[i] = bound(checkSeeds[i], eventTime, eventTime + 5 * YEAR);

        // Three records with the same validity: one to revoke, one whose issuer loses authority, one of another
        // department that gets suspended.
        bytes32[3] memory hashes = [_nextHash(), _nextHash(), _nextHash()];
        vm.warp(anchorTime);
        vm.prank(psbSigner);
        records.anchor(hashes[0], bytes32(0), RESIDENT_ID, validFrom, validUntil);
        vm.prank(psbSigner2);
        records.anchor(hashes[1], bytes32(0), RESIDENT_ID, validFrom, validUntil);
        vm.prank(marketSigner);
        records.anchor(hashes[2], bytes32(0), BUSINESS_LICENCE, validFrom, validUntil);

        uint256 base = vm.snapshotState();
        vm.warp(eventTime);
        // Canonical order: revoke, end psb's authority over type 1, suspend market.
        for (uint256 op = 0; op < 3; ++op) _orderOp(op, hashes[0]);
        uint8[9] memory canonical = _readAll(hashes, checkTimes, false);

        vm.revertToState(base);
        vm.warp(eventTime);
        // The same operations in a fuzzed order.
        uint256[3] memory order = _permutation(permutationSeed);
        for (uint256 i = 0; i < 3; ++i) _orderOp(order[i], hashes[0]);
        // Reads in reverse order (times and records) must not matter either.
        uint8[9] memory permuted = _readAll(hashes, checkTimes, true);

        for (uint256 i = 0; i < 9; ++i) assertEq(permuted[i], canonical[i], "verdict depends on order");
        // Spot check the canonical answers against the reference.
        for (uint256 t = 0; t < 3; ++t) {
            ICredentialRecordRegistry.RecordEvidence memory e;
            e.anchoredAt = uint64(anchorTime);
            e.validFrom = validFrom;
            e.validUntil = validUntil;
            assertEq(canonical[t * 3 + 1], uint8(_referenceStatus(e, checkTimes[t], true, false)), "record 1");
            assertEq(canonical[t * 3 + 2], uint8(_referenceStatus(e, checkTimes[t], true, true)), "record 2");
            e.revokedAt = uint64(eventTime);
            assertEq(canonical[t * 3], uint8(_referenceStatus(e, checkTimes[t], true, false)), "record 0");
        }
    }

    /// @notice Reading a status is free of side effects: the same read twice, with other reads between, agrees.
    function testFuzz_repeatedReadsAgree(uint256 anchorSeed, uint64 validFrom, uint256 checkSeed) public {
        uint256 anchorTime = bound(anchorSeed, START_TIME, START_TIME + 5 * YEAR);
        validFrom = uint64(bound(validFrom, 0, MAX_UINT40));
        bytes32 recordHash = _nextHash();
        vm.warp(anchorTime);
        vm.prank(marketSigner);
        records.anchor(recordHash, bytes32(0), BUSINESS_LICENCE, validFrom, 0);
        vm.warp(bound(checkSeed, anchorTime, anchorTime + 20 * YEAR));
        (ICredentialRecordRegistry.RecordStatus first,) = records.recordStatus(MARKET, recordHash);
        records.recordStatus(PSB, recordHash);
        records.batch(MARKET, keccak256("no batch"));
        (ICredentialRecordRegistry.RecordStatus second,) = records.recordStatus(MARKET, recordHash);
        _assertStatus(second, first, "second read differs");
    }

    /// @notice Validity is stored in 40 bits: a validFrom or validUntil beyond that is refused, never truncated
    /// (truncation would change the verdict the record's anchor promised).
    function testFuzz_anchorRefusesValidityBeyondStoredRange(uint64 validFrom, uint64 validUntil) public {
        vm.assume(validUntil == 0 || validUntil >= validFrom);
        vm.assume(validFrom > MAX_UINT40 || validUntil > MAX_UINT40);
        vm.warp(START_TIME);
        uint256 tooLarge = validFrom > MAX_UINT40 ? validFrom : validUntil;
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, uint8(40), tooLarge));
        vm.prank(psbSigner);
        records.anchor(_nextHash(), bytes32(0), RESIDENT_ID, validFrom, validUntil);
    }

    /// @notice validUntil before validFrom is refused.
    function testFuzz_anchorRefusesInvertedValidity(uint64 validFrom, uint64 validUntil) public {
        vm.assume(validUntil != 0 && validUntil < validFrom);
        vm.warp(START_TIME);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICredentialRecordRegistry.CredentialRegistryInvalidValidity.selector, validFrom, validUntil
            )
        );
        vm.prank(psbSigner);
        records.anchor(_nextHash(), bytes32(0), RESIDENT_ID, validFrom, validUntil);
    }

    /// @notice An unknown (issuer, hash) reads Unknown with empty evidence, at any time.
    function testFuzz_unknownRecordReadsUnknown(uint32 issuer, bytes32 recordHash, uint256 time) public {
        vm.warp(bound(time, START_TIME, START_TIME + 100 * YEAR));
        (ICredentialRecordRegistry.RecordStatus status, ICredentialRecordRegistry.RecordEvidence memory e) =
            records.recordStatus(issuer, recordHash);
        _assertStatus(status, ICredentialRecordRegistry.RecordStatus.Unknown, "unknown hash");
        ICredentialRecordRegistry.RecordEvidence memory empty;
        _assertEvidence(e, empty);
    }

    /// @notice Records live in their issuer's namespace: another department anchoring the same hash (a verifier
    /// learns every hash it checks) neither blocks the issuer's revocation of its batched record nor changes what the
    /// batch leaf reads.
    function testFuzz_sameHashInAnotherDepartmentIsIndependent(bytes32 recordHash, uint64 validFrom, uint8 reason)
        public
    {
        vm.assume(recordHash != bytes32(0));
        validFrom = uint64(bound(validFrom, 0, START_TIME));
        ICredentialRecordRegistry.RecordAnchor memory leaf = ICredentialRecordRegistry.RecordAnchor({
            recordHash: recordHash,
            subjectRef: keccak256("subject"),
            credentialType: RESIDENT_ID,
            validFrom: validFrom,
            validUntil: 0
        });
        bytes32 root = _leafHash(leaf); // a batch of one: the root is the leaf, the proof empty
        bytes32[] memory proof = new bytes32[](0);
        vm.warp(START_TIME + 1 days);
        vm.prank(psbSigner);
        records.anchorBatch(root, 1);
        vm.prank(marketSigner);
        records.anchor(recordHash, keccak256("subject"), BUSINESS_LICENCE, validFrom, 0);

        vm.warp(START_TIME + 2 days);
        vm.prank(psbSigner);
        records.revokeBatchRecord(root, leaf, proof, reason);

        (ICredentialRecordRegistry.RecordStatus leafStatus, ICredentialRecordRegistry.RecordEvidence memory e) =
            records.batchRecordStatus(PSB, root, leaf, proof);
        _assertStatus(leafStatus, ICredentialRecordRegistry.RecordStatus.Revoked, "psb's batched record");
        assertEq(e.issuer, PSB, "batched record's issuer");
        assertEq(e.batchRoot, root, "batched record's root");
        assertEq(e.revocationReason, reason, "batched record's reason");
        (ICredentialRecordRegistry.RecordStatus marketStatus, ICredentialRecordRegistry.RecordEvidence memory m) =
            records.recordStatus(MARKET, recordHash);
        _assertStatus(marketStatus, ICredentialRecordRegistry.RecordStatus.Valid, "market's record of the same hash");
        assertEq(m.revokedAt, 0, "market's record revoked");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The same second: issuer periods are kept in whole seconds, so within one second (one block) timestamps alone
    // cannot tell whether a write came before or after the operator changed the issuer's authority. A write the
    // registry accepted must not read as unauthorised for it, and one it should not have accepted must not read valid.
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice A record anchored by an authoritative issuer in the same second (the same block) as the operator ends
    /// that authority: the anchor succeeded, so the issuer was authoritative when it anchored, but the period
    /// [from, until = anchoredAt) no longer covers anchoredAt and the record reads IssuerNotAuthorised for ever.
    function test_sameSecond_anchorThenAuthorityEnds_recordStaysAuthorised() public {
        uint256 t = START_TIME + 30 days;
        vm.warp(t);
        bytes32 recordHash = _nextHash();
        vm.prank(psbSigner);
        records.anchor(recordHash, bytes32(0), RESIDENT_ID, uint64(t), 0); // accepted: psb is authoritative
        types.revokeIssuer(RESIDENT_ID, PSB); // same block timestamp, after the anchor
        vm.warp(t + 1);
        (ICredentialRecordRegistry.RecordStatus status,) = records.recordStatus(PSB, recordHash);
        _assertStatus(status, ICredentialRecordRegistry.RecordStatus.Valid, "record anchored while authorised");
    }

    /// @notice The same through deprecation, which ends every issuer's period now: "records anchored before stay
    /// valid" (ICredentialTypeRegistry.deprecateType) does not hold for one anchored earlier in the same second.
    function test_sameSecond_anchorThenTypeDeprecated_recordStaysValid() public {
        uint256 t = START_TIME + 30 days;
        vm.warp(t);
        bytes32 recordHash = _nextHash();
        vm.prank(marketSigner);
        records.anchor(recordHash, bytes32(0), BUSINESS_LICENCE, uint64(t), 0);
        types.deprecateType(BUSINESS_LICENCE); // same block timestamp, after the anchor
        vm.warp(t + 1);
        (ICredentialRecordRegistry.RecordStatus status,) = records.recordStatus(MARKET, recordHash);
        _assertStatus(status, ICredentialRecordRegistry.RecordStatus.Valid, "record anchored before deprecation");
    }

    /// @notice The mirror case: market anchors a batch holding a resident-id-card leaf while it is not an issuer of
    /// that type, and the operator makes it one in the same second: the new period [from = anchoredAt, ...) covers
    /// the batch's anchoredAt, and the leaf reads Valid though its issuer was not authoritative when it was anchored.
    function test_sameSecond_batchThenAuthorityStarts_leafStaysUnauthorised() public {
        uint256 t = START_TIME + 30 days;
        vm.warp(t);
        ICredentialRecordRegistry.RecordAnchor memory leaf = ICredentialRecordRegistry.RecordAnchor({
            recordHash: _nextHash(),
            subjectRef: bytes32(0),
            credentialType: RESIDENT_ID,
            validFrom: uint64(t),
            validUntil: 0
        });
        bytes32 root = _leafHash(leaf);
        vm.prank(marketSigner);
        records.anchorBatch(root, 1); // market is not an issuer of resident-id-card now
        types.authoriseIssuer(RESIDENT_ID, MARKET); // same block timestamp, after the batch
        vm.warp(t + 1);
        (ICredentialRecordRegistry.RecordStatus status,) = records.batchRecordStatus(MARKET, root, leaf, new bytes32[](0));
        _assertStatus(
            status, ICredentialRecordRegistry.RecordStatus.IssuerNotAuthorised, "leaf anchored while not authorised"
        );
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------------

    function _plan(
        uint256 anchorSeed,
        uint256 fromSeed,
        uint256 lengthSeed,
        uint256 eventSeed,
        uint256 checkSeed,
        uint8 flags
    ) private pure returns (Plan memory p) {
        // From a second after the fixture granted the issuer roles (a second of their own).
        p.anchorTime = bound(anchorSeed, START_TIME + 1, START_TIME + 10 * YEAR);
        // validFrom: from the epoch (0) or up to three years either side of anchoring.
        p.validFrom = flags & 1 != 0 ? 0 : uint64(bound(fromSeed, p.anchorTime - 3 * YEAR, p.anchorTime + 3 * YEAR));
        // validUntil: no expiry, or 0 s .. 10 years after validFrom (validUntil == validFrom: valid for one second).
        p.validUntil = flags & 2 != 0 ? 0 : uint64(p.validFrom + bound(lengthSeed, 0, 10 * YEAR));
        p.revoke = flags & 4 != 0;
        p.supersede = flags & 8 != 0;
        p.endAuthority = flags & 16 != 0;
        p.suspend = flags & 32 != 0;
        p.reason = uint8(lengthSeed >> 200);
        p.eventTime = bound(eventSeed, p.anchorTime + 1, p.anchorTime + 2 * YEAR);
        // Checks from the event time (or anchoring, when nothing happens) to 15 years on, so every verdict occurs.
        bool anyEvent = flags & 60 != 0;
        p.checkTime = bound(checkSeed, anyEvent ? p.eventTime : p.anchorTime, p.anchorTime + 15 * YEAR);
    }

    function _orderOp(uint256 op, bytes32 toRevoke) private {
        if (op == 0) {
            vm.prank(psbSigner2);
            records.revokeRecord(toRevoke, 7);
        } else if (op == 1) {
            types.revokeIssuer(RESIDENT_ID, PSB);
        } else {
            departments.suspendDepartment(MARKET);
        }
    }

    function _readAll(bytes32[3] memory hashes, uint256[3] memory times, bool reverse)
        private
        returns (uint8[9] memory out)
    {
        for (uint256 k = 0; k < 9; ++k) {
            uint256 idx = reverse ? 8 - k : k;
            uint256 t = idx / 3;
            vm.warp(times[t]);
            (ICredentialRecordRegistry.RecordStatus s,) = records.recordStatus(idx % 3 == 2 ? MARKET : PSB, hashes[idx % 3]);
            out[idx] = uint8(s);
        }
    }

    function _permutation(uint256 seed) private pure returns (uint256[3] memory p) {
        p = [uint256(0), 1, 2];
        for (uint256 i = 2; i > 0; --i) {
            uint256 j = seed % (i + 1);
            seed /= (i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
    }

    function _timeRank(ICredentialRecordRegistry.RecordStatus s) private pure returns (uint256) {
        if (s == ICredentialRecordRegistry.RecordStatus.NotYetValid) return 0;
        if (s == ICredentialRecordRegistry.RecordStatus.Valid) return 1;
        if (s == ICredentialRecordRegistry.RecordStatus.Expired) return 2;
        revert("unexpected status for a live record");
    }

    function _leafHash(ICredentialRecordRegistry.RecordAnchor memory r) private pure returns (bytes32) {
        return keccak256(
            bytes.concat(keccak256(abi.encode(r.recordHash, r.subjectRef, r.credentialType, r.validFrom, r.validUntil)))
        );
    }

    function _nextHash() private returns (bytes32) {
        return keccak256(abi.encode("record", ++_nonce));
    }

    function _assertStatus(
        ICredentialRecordRegistry.RecordStatus actual,
        ICredentialRecordRegistry.RecordStatus expected,
        string memory message
    ) private pure {
        assertEq(uint256(actual), uint256(expected), message);
    }

    function _assertEvidence(
        ICredentialRecordRegistry.RecordEvidence memory got,
        ICredentialRecordRegistry.RecordEvidence memory want
    ) private pure {
        assertEq(got.issuer, want.issuer, "evidence.issuer");
        assertEq(got.credentialType, want.credentialType, "evidence.credentialType");
        assertEq(got.anchoredAt, want.anchoredAt, "evidence.anchoredAt");
        assertEq(got.validFrom, want.validFrom, "evidence.validFrom");
        assertEq(got.validUntil, want.validUntil, "evidence.validUntil");
        assertEq(got.revokedAt, want.revokedAt, "evidence.revokedAt");
        assertEq(got.revocationReason, want.revocationReason, "evidence.revocationReason");
        assertEq(got.batchRoot, want.batchRoot, "evidence.batchRoot");
        assertEq(got.supersededBy, want.supersededBy, "evidence.supersededBy");
        assertEq(got.supersedes, want.supersedes, "evidence.supersedes");
    }
}
