// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICredentialRecordRegistry} from "../../contracts/interfaces/ICredentialRecordRegistry.sol";
import {RecordHandler} from "./utils/RecordHandler.sol";
import {RecordStatusReference} from "./utils/RecordStatusReference.sol";
import {HandlerTargets} from "./utils/HandlerTargets.sol";
import {RegistrySetup} from "./utils/RegistrySetup.sol";
import {vm} from "./utils/Vm.sol";

/// @title RecordInvariantsTest
/// @notice Invariants of the record registry under fuzzed sequences of anchors (single, signed and batched),
/// batch registrations, revocations, supersessions, clock moves, suspensions and issuer-authority changes, made by
/// department signers, outsiders and the operator through RecordHandler.
/// forge-config: default.invariant.runs = 64
/// forge-config: default.invariant.depth = 100
contract RecordInvariantsTest is RegistrySetup, HandlerTargets, RecordStatusReference {

    uint256 private constant _FAR_FUTURE = 100 * 365 days;

    RecordHandler internal handler;

    function setUp() public {
        _setUpRegistries();
        // The handler's clock starts a second after the fixture granted the issuer roles (a second of their own).
        handler = new RecordHandler(departments, types, records, operator, START_TIME + 1);
        vm.label(address(handler), "RecordHandler");
    }

    function _handlerTarget() internal view override returns (address, bytes4[] memory) {
        return (address(handler), handler.actions());
    }

    /// @notice A revoked record reads Revoked with its revocation facts, now and a century on, whatever happened since.
    function invariant_revokedRecordsStayRevoked() public {
        bytes32[] memory revoked = handler.revokedKeys();
        uint256 clock = handler.clock();
        for (uint256 k = 0; k < 2; ++k) {
            vm.warp(k == 0 ? clock : clock + _FAR_FUTURE);
            for (uint256 i = 0; i < revoked.length; ++i) {
                RecordHandler.RecordModel memory m = handler.recordModel(revoked[i]);
                (ICredentialRecordRegistry.RecordStatus status, ICredentialRecordRegistry.RecordEvidence memory e) =
                    records.recordStatus(m.issuer, m.recordHash);
                assertEq(uint256(status), uint256(ICredentialRecordRegistry.RecordStatus.Revoked), "revoked record");
                assertEq(e.revokedAt, m.revokedAt, "revokedAt changed");
                assertEq(e.revocationReason, m.revocationReason, "revocation reason changed");
            }
        }
    }

    /// @notice An anchored batch keeps the issuer, time and count it was anchored with; a refused root stays unknown.
    function invariant_batchRootsNeverChange() public view {
        bytes32[] memory keys = handler.batchKeys();
        for (uint256 i = 0; i < keys.length; ++i) {
            RecordHandler.BatchModel memory m = handler.batchModel(keys[i]);
            ICredentialRecordRegistry.Batch memory b = records.batch(m.issuer, m.root);
            assertEq(b.issuer, m.issuer, "batch issuer changed");
            assertEq(b.anchoredAt, m.anchoredAt, "batch anchoredAt changed");
            assertEq(b.recordCount, m.recordCount, "batch recordCount changed");
        }
        (uint32[] memory refusedDepartments, bytes32[] memory refusedRoots) = handler.refusedBatches();
        for (uint256 i = 0; i < refusedRoots.length; ++i) {
            assertEq(
                records.batch(refusedDepartments[i], refusedRoots[i]).issuer, 0, "a refused batch root is anchored"
            );
        }
    }

    /// @notice Nothing the model forbids is accepted: no anchor by a key whose department is not an authoritative,
    /// active issuer of the type; no signed anchor with a forged claim; no revocation, registration or supersession
    /// by any department but the issuer; no operator action by a non-operator; no direct setIssuerRole.
    function invariant_noUnauthorisedSuccess() public view {
        assertEq(
            handler.unauthorisedSuccesses(),
            0,
            string.concat("unauthorised call accepted, last: ", handler.lastUnauthorisedSuccess())
        );
    }

    /// @notice Every singly anchored record's issuer was an authoritative issuer of its type when it was anchored,
    /// by DepartmentRegistry.isAuthorisedIssuer; a registered batch record's answer is the model's standing of the
    /// batch issuer at batch anchoring.
    function invariant_storedRecordsIssuersWereAuthorisedAtAnchoring() public view {
        bytes32[] memory keys = handler.recordKeys();
        for (uint256 i = 0; i < keys.length; ++i) {
            RecordHandler.RecordModel memory m = handler.recordModel(keys[i]);
            (, ICredentialRecordRegistry.RecordEvidence memory e) = records.recordStatus(m.issuer, m.recordHash);
            bool authorised = departments.isAuthorisedIssuer(e.issuer, address(types), e.credentialType, e.anchoredAt);
            if (m.single) assertTrue(authorised, "single record's issuer not authorised at anchoredAt");
            else assertEq(authorised, m.authorisedAtAnchor, "batch record's issuer standing at anchoredAt");
        }
    }

    /// @notice Every stored record carries exactly the model's facts, and its status is the reference verdict over
    /// them; every unregistered batch leaf's batchRecordStatus is the reference verdict over its batch's facts.
    function invariant_recordsMatchTheModel() public {
        uint256 clock = handler.clock();
        vm.warp(clock);
        bytes32[] memory keys = handler.recordKeys();
        for (uint256 i = 0; i < keys.length; ++i) {
            RecordHandler.RecordModel memory m = handler.recordModel(keys[i]);
            (ICredentialRecordRegistry.RecordStatus status, ICredentialRecordRegistry.RecordEvidence memory e) =
                records.recordStatus(m.issuer, m.recordHash);
            assertEq(e.issuer, m.issuer, "issuer");
            assertEq(e.credentialType, m.credentialType, "credentialType");
            assertEq(e.anchoredAt, m.anchoredAt, "anchoredAt");
            assertEq(e.validFrom, m.validFrom, "validFrom");
            assertEq(e.validUntil, m.validUntil, "validUntil");
            assertEq(e.revokedAt, m.revokedAt, "revokedAt");
            assertEq(e.revocationReason, m.revocationReason, "revocationReason");
            assertEq(e.batchRoot, m.batchRoot, "batchRoot");
            assertEq(e.supersededBy, m.supersededBy, "supersededBy");
            assertEq(e.supersedes, m.supersedes, "supersedes");
            assertEq(
                uint256(status),
                uint256(_referenceStatus(e, clock, m.authorisedAtAnchor, handler.suspendedModel(m.issuer))),
                "record status vs reference over the model"
            );
        }
        bytes32[] memory batchKeys = handler.batchKeys();
        for (uint256 i = 0; i < batchKeys.length; ++i) {
            RecordHandler.BatchModel memory b = handler.batchModel(batchKeys[i]);
            ICredentialRecordRegistry.RecordAnchor[] memory leaves = handler.batchLeaves(b.root);
            for (uint256 j = 0; j < leaves.length; ++j) {
                (ICredentialRecordRegistry.RecordStatus status, ICredentialRecordRegistry.RecordEvidence memory e) =
                    records.batchRecordStatus(b.issuer, b.root, leaves[j], handler.batchProof(b.root, j));
                if (handler.recordModelOf(b.issuer, leaves[j].recordHash).anchoredAt != 0) {
                    // Registered (from this batch or, same hash, otherwise) in the batch issuer's namespace: that
                    // record's stored facts are the answer (checked against the model above).
                    (ICredentialRecordRegistry.RecordStatus stored,) =
                        records.recordStatus(b.issuer, leaves[j].recordHash);
                    assertEq(uint256(status), uint256(stored), "registered leaf: batchRecordStatus vs recordStatus");
                    continue;
                }
                ICredentialRecordRegistry.RecordEvidence memory want;
                want.issuer = b.issuer;
                want.credentialType = leaves[j].credentialType;
                want.anchoredAt = b.anchoredAt;
                want.validFrom = leaves[j].validFrom;
                want.validUntil = leaves[j].validUntil;
                want.batchRoot = b.root;
                assertEq(e.issuer, want.issuer, "leaf issuer");
                assertEq(e.anchoredAt, want.anchoredAt, "leaf anchoredAt");
                assertEq(e.batchRoot, want.batchRoot, "leaf batchRoot");
                assertEq(
                    uint256(status),
                    uint256(
                        _referenceStatus(
                            want,
                            clock,
                            b.authorisedForType[leaves[j].credentialType],
                            handler.suspendedModel(b.issuer)
                        )
                    ),
                    "batch leaf status vs reference over the model"
                );
            }
        }
    }

    /// @notice The registries refuse nothing the model allows (so the invariants above are not vacuously true).
    function invariant_permittedActionsSucceed() public view {
        bytes memory err = handler.lastUnexpectedError();
        bytes4 selector = err.length >= 4 ? bytes4(err) : bytes4(0);
        assertEq(
            handler.unexpectedFailures(),
            0,
            string.concat(
                "permitted call refused, last: ",
                handler.lastUnexpectedFailure(),
                " error selector ",
                _hex4(selector)
            )
        );
    }

    /// @notice The handler itself, on a fixed script: every action is accepted at least once where the model allows
    /// it and refused where it does not, with no surprise either way.
    function test_handlerScriptExercisesEveryAction() public {
        // psb (actor 0) anchors type 1 (typeSeed even), market (actor 2) type 2; the outsider (4) tries type 1.
        handler.anchor(0, 0, 1, 1, false);
        handler.anchor(2, 1, 3, 5, false);
        handler.anchor(4, 0, 1, 1, false);
        handler.anchorBySig(1, 1, 0, 7, 9); // psb's second key signs for itself
        handler.anchorBySig(4, 0, 0, 7, 9); // the outsider signs, claiming actor 0 (psb): forged
        handler.anchorBatch(0, 4, 11, false); // psb, four leaves
        handler.anchorBatch(4, 2, 11, false); // outsider: refused
        handler.registerBatchRecord(0, 0, 0, false);
        handler.registerBatchRecord(2, 0, 1, false); // market: not the batch issuer
        handler.registerBatchRecord(0, 0, 2, true); // forged leaf
        handler.warp(1 days);
        handler.revoke(0, 0, 3); // psb revokes its first record
        handler.revoke(2, 0, 3); // market cannot (and it is revoked already)
        handler.revokeBatchRecord(1, 0, 3, 4, false); // psb's 2nd key revokes an unregistered leaf
        handler.supersede(0, 2, 3); // psb: its signed record superseded by its first registered leaf (both type 1)
        handler.toggleSuspension(0, 2); // operator suspends market
        handler.anchor(2, 1, 3, 5, false); // market suspended: refused
        handler.toggleSuspension(1, 2); // a signer cannot reinstate
        handler.toggleSuspension(0, 2); // operator reinstates market
        handler.toggleAuthority(0, 1, 0); // operator ends psb's authority over type 1
        handler.anchor(0, 0, 1, 1, false); // refused now
        handler.toggleAuthority(1, 3, 2); // a signer cannot grant tobacco type 2
        handler.toggleAuthority(0, 3, 2 | (uint256(3) << 128)); // operator calls setIssuerRole directly: refused
        handler.toggleAuthority(0, 3, 2); // operator grants tobacco type 2
        handler.anchor(3, 1, 1, 1, false); // tobacco anchors type 2

        assertEq(handler.unexpectedFailures(), 0, string.concat("refused: ", handler.lastUnexpectedFailure()));
        assertEq(handler.unauthorisedSuccesses(), 0, string.concat("accepted: ", handler.lastUnauthorisedSuccess()));
        string[10] memory names = [
            "anchor",
            "anchorBySig",
            "anchorBatch",
            "registerBatchRecord",
            "revoke",
            "suspendDepartment",
            "reinstateDepartment",
            "revokeIssuer",
            "authoriseIssuer",
            "supersede"
        ];
        for (uint256 i = 0; i < names.length; ++i) {
            assertTrue(handler.accepted(keccak256(bytes(names[i]))) > 0, string.concat("never accepted: ", names[i]));
        }
        assertEq(handler.revokedKeys().length, 2, "revocations");
        invariant_revokedRecordsStayRevoked();
        invariant_batchRootsNeverChange();
        invariant_storedRecordsIssuersWereAuthorisedAtAnchoring();
        invariant_recordsMatchTheModel();
    }

    function _hex4(bytes4 value) private pure returns (string memory) {
        bytes16 symbols = "0123456789abcdef";
        bytes memory out = new bytes(10);
        out[0] = "0";
        out[1] = "x";
        for (uint256 i = 0; i < 4; ++i) {
            out[2 + 2 * i] = symbols[uint8(value[i]) >> 4];
            out[3 + 2 * i] = symbols[uint8(value[i]) & 0x0f];
        }
        return string(out);
    }
}
