// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {NoncesKeyed} from "@openzeppelin/contracts/utils/NoncesKeyed.sol";
import {Closable} from "./access/Closable.sol";
import {ICredentialRecordRegistry} from "./interfaces/ICredentialRecordRegistry.sol";
import {ICredentialTypeRegistry} from "./interfaces/ICredentialTypeRegistry.sol";
import {IDepartmentRegistry} from "./interfaces/IDepartmentRegistry.sol";
import {IVersioned} from "./interfaces/IVersioned.sol";
import {PackedRecord, PackedRecordLib} from "./libraries/PackedRecord.sol";
import {RecordLeaf} from "./libraries/RecordLeaf.sol";
import {RecordStatusRules} from "./libraries/RecordStatusRules.sol";

/// @title CredentialRecordRegistry
/// @notice Record anchors (single and batched), revocation, supersession and the combined status check.
/// @dev The departments and types it reads are fixed at deployment (immutable: every anchor reads them). A fix rolled
/// out beside it is a new registry with its own records; this one keeps its records, under the rules it was built with.
contract CredentialRecordRegistry is ICredentialRecordRegistry, EIP712, NoncesKeyed, Closable {
    using SafeCast for uint256;
    using PackedRecordLib for PackedRecord;

    /// @dev A storage handle on a packed record, so that a read-modify-write locates its slot once.
    struct StoredRecord {
        PackedRecord record;
    }

    uint256 private constant _LEAF_OK = 0;
    uint256 private constant _LEAF_EMPTY_HASH = 1;
    uint256 private constant _LEAF_INVALID_VALIDITY = 2;
    uint256 private constant _LEAF_PROOF_LENGTH = 3;
    uint256 private constant _LEAF_INVALID_PROOF = 4;

    bytes32 private constant _ANCHOR_TYPEHASH = keccak256(
        "Anchor(uint32 issuer,bytes32 recordHash,bytes32 subjectRef,uint32 credentialType,uint64 validFrom,uint64 validUntil,uint32 signerEpoch,uint256 nonce,uint256 deadline)"
    );

    IDepartmentRegistry private immutable _departments;
    ICredentialTypeRegistry private immutable _types;

    /// @dev Records live in their issuer's namespace: key = keccak256(abi.encode(issuer, recordHash)). A department
    /// that learns another's record hash (every verifier does) cannot anchor it first and block its revocation.
    /// Everything a status or a revocation needs is in one slot per record.
    mapping(bytes32 recordKey => StoredRecord stored) private _records;
    /// @dev Batches too live in their issuer's namespace (key = keccak256(abi.encode(issuer, root))): a department
    /// that sees a root before it is mined cannot anchor it first.
    mapping(bytes32 batchKey => Batch batch) private _batches;
    mapping(bytes32 recordKey => bytes32 root) private _batchOf;
    mapping(bytes32 recordKey => bytes32 newerRecordHash) private _supersededBy;
    mapping(bytes32 recordKey => bytes32 olderRecordHash) private _supersedes;

    constructor(address authority, IDepartmentRegistry departments, ICredentialTypeRegistry types)
        EIP712("oncechain records", "2")
        AccessManaged(authority)
    {
        _departments = departments;
        _types = types;
    }

    /// @inheritdoc ICredentialRecordRegistry
    function anchor(bytes32 recordHash, bytes32 subjectRef, uint32 credentialType, uint64 validFrom, uint64 validUntil)
        external
    {
        _requireOpen();
        uint32 issuer = _authorisedIssuer(msg.sender, credentialType);
        _anchor(issuer, recordHash, subjectRef, credentialType, validFrom, validUntil);
    }

    /// @inheritdoc ICredentialRecordRegistry
    function anchorBySig(RecordAnchor calldata record, AnchorSignature calldata terms, bytes calldata signature)
        external
    {
        _requireOpen();
        if (block.timestamp > terms.deadline) revert CredentialRegistryExpiredSignature(terms.deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    _ANCHOR_TYPEHASH,
                    terms.issuer,
                    record.recordHash,
                    record.subjectRef,
                    record.credentialType,
                    record.validFrom,
                    record.validUntil,
                    terms.signerEpoch,
                    terms.nonce,
                    terms.deadline
                )
            )
        );
        (address recovered, ECDSA.RecoverError recoverError,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (recoverError != ECDSA.RecoverError.NoError || recovered != terms.signer) {
            revert CredentialRegistryInvalidSignature(terms.signer, recovered);
        }
        _useCheckedNonce(terms.signer, terms.nonce);
        uint32 issuer = _authorisedIssuer(terms.signer, record.credentialType);
        if (issuer != terms.issuer) revert CredentialRegistrySignerNotOfIssuer(terms.signer, terms.issuer, issuer);
        uint32 epoch = _departments.signerEpoch(terms.signer);
        if (epoch != terms.signerEpoch) revert CredentialRegistryStaleSignerKey(terms.signer, terms.signerEpoch, epoch);
        _anchor(
            issuer, record.recordHash, record.subjectRef, record.credentialType, record.validFrom, record.validUntil
        );
    }

    /// @inheritdoc ICredentialRecordRegistry
    function useNonce(uint192 key) external returns (uint256) {
        return _useNonce(msg.sender, key);
    }

    /// @inheritdoc ICredentialRecordRegistry
    function anchorBatch(bytes32 root, uint32 recordCount) external {
        _requireOpen();
        if (root == bytes32(0) || recordCount == 0) revert CredentialRegistryEmptyBatch();
        uint32 issuer = _activeDepartment(msg.sender);
        bytes32 key = _recordKey(issuer, root);
        if (_batches[key].issuer != 0) revert CredentialRegistryBatchAlreadyAnchored(root);
        _batches[key] = Batch({issuer: issuer, anchoredAt: uint64(block.timestamp), recordCount: recordCount});
        emit CredentialBatchAnchored(root, issuer, recordCount);
    }

    /// @inheritdoc ICredentialRecordRegistry
    function registerBatchRecord(bytes32 root, RecordAnchor calldata leaf, bytes32[] calldata proof) external {
        _requireOpen();
        Batch memory b = _issuerBatch(root);
        bytes32 key = _recordKey(b.issuer, leaf.recordHash);
        if (_records[key].record.anchoredAt() != 0) revert CredentialRegistryAlreadyAnchored(leaf.recordHash);
        _registerBatchRecord(key, root, b, leaf, proof);
    }

    /// @inheritdoc ICredentialRecordRegistry
    function revokeRecord(bytes32 recordHash, uint8 reason) external {
        uint32 department = _activeDepartment(msg.sender);
        bytes32 key = _recordKey(department, recordHash);
        _revoke(key, recordHash, department, reason);
    }

    /// @inheritdoc ICredentialRecordRegistry
    function revokeBatchRecord(bytes32 root, RecordAnchor calldata leaf, bytes32[] calldata proof, uint8 reason)
        external
    {
        Batch memory b = _issuerBatch(root);
        bytes32 key = _recordKey(b.issuer, leaf.recordHash);
        if (_records[key].record.anchoredAt() == 0) {
            _registerBatchRecord(key, root, b, leaf, proof);
        } else {
            _requireLeaf(root, b, leaf, proof);
        }
        _revoke(key, leaf.recordHash, b.issuer, reason);
    }

    /// @inheritdoc ICredentialRecordRegistry
    function supersede(bytes32 oldRecordHash, bytes32 newRecordHash) external {
        _requireOpen();
        uint32 department = _activeDepartment(msg.sender);
        bytes32 oldKey = _recordKey(department, oldRecordHash);
        bytes32 newKey = _recordKey(department, newRecordHash);
        PackedRecordLib.Fields memory older = _records[oldKey].record.unpack();
        PackedRecordLib.Fields memory newer = _records[newKey].record.unpack();
        if (older.anchoredAt == 0) revert CredentialRegistryUnknownRecord(oldRecordHash);
        if (newer.anchoredAt == 0) revert CredentialRegistryUnknownRecord(newRecordHash);
        if (older.revokedAt != 0) revert CredentialRegistryAlreadyRevoked(oldRecordHash);
        if (_supersededBy[oldKey] != bytes32(0)) revert CredentialRegistryAlreadySuperseded(oldRecordHash);
        // One link each way, and the newer record must be live: this also rules out self-links and cycles.
        if (
            oldRecordHash == newRecordHash || newer.revokedAt != 0 || _supersededBy[newKey] != bytes32(0)
                || _supersedes[newKey] != bytes32(0)
                || _types.codeKeyOf(older.credentialType) != _types.codeKeyOf(newer.credentialType)
        ) revert CredentialRegistryInvalidSupersession(oldRecordHash, newRecordHash);
        _supersededBy[oldKey] = newRecordHash;
        _supersedes[newKey] = oldRecordHash;
        emit CredentialSuperseded(oldRecordHash, newRecordHash, department);
    }

    /// @inheritdoc ICredentialRecordRegistry
    function recordStatus(uint32 issuer, bytes32 recordHash)
        public
        view
        returns (RecordStatus status, RecordEvidence memory evidence)
    {
        bytes32 key = _recordKey(issuer, recordHash);
        PackedRecordLib.Fields memory r = _records[key].record.unpack();
        if (r.anchoredAt == 0) return (RecordStatus.Unknown, evidence);
        evidence = RecordEvidence({
            issuer: r.issuer,
            credentialType: r.credentialType,
            anchoredAt: r.anchoredAt,
            validFrom: r.validFrom,
            validUntil: r.validUntil,
            revokedAt: r.revokedAt,
            revocationReason: r.revocationReason,
            batchRoot: _batchOf[key],
            supersededBy: _supersededBy[key],
            supersedes: _supersedes[key]
        });
        status = _decide(evidence);
    }

    /// @inheritdoc ICredentialRecordRegistry
    function batchRecordStatus(uint32 issuer, bytes32 root, RecordAnchor calldata leaf, bytes32[] calldata proof)
        external
        view
        returns (RecordStatus status, RecordEvidence memory evidence)
    {
        Batch memory b = _batches[_recordKey(issuer, root)];
        if (b.issuer == 0 || _leafError(root, b, leaf, proof) != _LEAF_OK) return (RecordStatus.Unknown, evidence);
        // Once registered individually, the issuer's stored facts (revocation, supersession) are the truth.
        if (_records[_recordKey(b.issuer, leaf.recordHash)].record.anchoredAt() != 0) {
            return recordStatus(b.issuer, leaf.recordHash);
        }
        evidence.issuer = b.issuer;
        evidence.credentialType = leaf.credentialType;
        evidence.anchoredAt = b.anchoredAt;
        evidence.validFrom = _saturate40(leaf.validFrom);
        evidence.validUntil = _saturate40(leaf.validUntil);
        evidence.batchRoot = root;
        status = _decide(evidence);
    }

    /// @inheritdoc ICredentialRecordRegistry
    function batch(uint32 issuer, bytes32 root) external view returns (Batch memory) {
        return _batches[_recordKey(issuer, root)];
    }

    /// @inheritdoc ICredentialRecordRegistry
    function nonces(address signer, uint192 key)
        public
        view
        override(ICredentialRecordRegistry, NoncesKeyed)
        returns (uint256)
    {
        return super.nonces(signer, key);
    }

    /// @inheritdoc ICredentialRecordRegistry
    function departmentRegistry() external view returns (address) {
        return address(_departments);
    }

    /// @inheritdoc ICredentialRecordRegistry
    function typeRegistry() external view returns (address) {
        return address(_types);
    }

    /// @inheritdoc ICredentialRecordRegistry
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    function _anchor(
        uint32 issuer,
        bytes32 recordHash,
        bytes32 subjectRef,
        uint32 credentialType,
        uint64 validFrom,
        uint64 validUntil
    ) private {
        if (recordHash == bytes32(0)) revert CredentialRegistryEmptyRecordHash();
        if (validUntil != 0 && validUntil < validFrom) revert CredentialRegistryInvalidValidity(validFrom, validUntil);
        bytes32 key = _recordKey(issuer, recordHash);
        if (_records[key].record.anchoredAt() != 0) revert CredentialRegistryAlreadyAnchored(recordHash);
        _records[key].record = PackedRecordLib.pack(
            PackedRecordLib.Fields({
                issuer: issuer,
                credentialType: credentialType,
                anchoredAt: uint40(block.timestamp),
                validFrom: uint256(validFrom).toUint40(),
                validUntil: uint256(validUntil).toUint40(),
                revokedAt: 0,
                revocationReason: 0
            })
        );
        emit CredentialAnchored(recordHash, subjectRef, issuer, credentialType, validFrom, validUntil);
    }

    /// @dev Leaf validity beyond 2^40 s (year 36812) is stored saturated: the status reads the same at any time a chain
    /// can reach, and such a record stays revocable.
    function _registerBatchRecord(
        bytes32 key,
        bytes32 root,
        Batch memory b,
        RecordAnchor calldata leaf,
        bytes32[] calldata proof
    ) private {
        _requireLeaf(root, b, leaf, proof);
        _records[key].record = PackedRecordLib.pack(
            PackedRecordLib.Fields({
                issuer: b.issuer,
                credentialType: leaf.credentialType,
                anchoredAt: uint40(b.anchoredAt),
                validFrom: uint40(_saturate40(leaf.validFrom)),
                validUntil: uint40(_saturate40(leaf.validUntil)),
                revokedAt: 0,
                revocationReason: 0
            })
        );
        _batchOf[key] = root;
        emit CredentialBatchRecordRegistered(
            leaf.recordHash,
            root,
            leaf.subjectRef,
            b.issuer,
            leaf.credentialType,
            _saturate40(leaf.validFrom),
            _saturate40(leaf.validUntil)
        );
    }

    /// @dev Reverts with the reason a leaf cannot stand for a record of batch `b` under `root`.
    function _requireLeaf(bytes32 root, Batch memory b, RecordAnchor calldata leaf, bytes32[] calldata proof)
        private
        pure
    {
        uint256 failure = _leafError(root, b, leaf, proof);
        if (failure == _LEAF_OK) return;
        if (failure == _LEAF_EMPTY_HASH) revert CredentialRegistryEmptyRecordHash();
        if (failure == _LEAF_INVALID_VALIDITY) revert CredentialRegistryInvalidValidity(leaf.validFrom, leaf.validUntil);
        if (failure == _LEAF_PROOF_LENGTH) {
            revert CredentialRegistryInvalidProofLength(root, b.recordCount, proof.length);
        }
        revert CredentialRegistryInvalidProof(root, leaf.recordHash);
    }

    /// @dev The checks a batched record passes before it counts, as singly anchored records pass them at `anchor`,
    /// and the proof: in the order they are made. `_LEAF_OK` when all hold.
    function _leafError(bytes32 root, Batch memory b, RecordAnchor calldata leaf, bytes32[] calldata proof)
        private
        pure
        returns (uint256)
    {
        if (leaf.recordHash == bytes32(0)) return _LEAF_EMPTY_HASH;
        if (leaf.validUntil != 0 && leaf.validUntil < leaf.validFrom) return _LEAF_INVALID_VALIDITY;
        if (
            proof.length < Math.log2(b.recordCount, Math.Rounding.Floor)
                || proof.length > Math.log2(b.recordCount, Math.Rounding.Ceil)
        ) return _LEAF_PROOF_LENGTH;
        if (!MerkleProof.verifyCalldata(proof, root, RecordLeaf.hash(leaf))) return _LEAF_INVALID_PROOF;
        return _LEAF_OK;
    }

    function _revoke(bytes32 key, bytes32 recordHash, uint32 department, uint8 reason) private {
        StoredRecord storage stored = _records[key];
        PackedRecord r = stored.record;
        if (r.anchoredAt() == 0) revert CredentialRegistryUnknownRecord(recordHash);
        if (r.revokedAt() != 0) revert CredentialRegistryAlreadyRevoked(recordHash);
        stored.record = r.withRevocation(uint40(block.timestamp), reason);
        emit CredentialRevoked(recordHash, department, reason);
    }

    /// @dev The caller's department's batch under `root`.
    function _issuerBatch(bytes32 root) private view returns (Batch memory b) {
        b = _batches[_recordKey(_activeDepartment(msg.sender), root)];
        if (b.issuer == 0) revert CredentialRegistryUnknownBatch(root);
    }

    function _authorisedIssuer(address signer, uint32 credentialType) private view returns (uint32 issuer) {
        bool suspended;
        bool authorised;
        (issuer, suspended, authorised) = _departments.issuerStanding(signer, address(_types), credentialType);
        if (issuer == 0) revert CredentialRegistryNotDepartmentSigner(signer);
        if (suspended) revert CredentialRegistryDepartmentSuspended(issuer);
        if (!authorised) revert CredentialRegistryNotIssuer(issuer, credentialType);
    }

    function _activeDepartment(address signer) private view returns (uint32 department) {
        bool suspended;
        (department, suspended) = _departments.signerDepartment(signer);
        if (department == 0) revert CredentialRegistryNotDepartmentSigner(signer);
        if (suspended) revert CredentialRegistryDepartmentSuspended(department);
    }

    /// @dev A single record was checked against its issuer's authority when it was anchored; a batch was not (its
    /// leaves are unknown then), so each batched record is judged against the batch's anchoring time.
    function _decide(RecordEvidence memory evidence) private view returns (RecordStatus) {
        bool authorised = evidence.batchRoot == bytes32(0)
            || _departments.isAuthorisedIssuer(
                evidence.issuer, address(_types), evidence.credentialType, evidence.anchoredAt
            );
        return RecordStatusRules.decide(
            evidence, block.timestamp, authorised, _departments.isSuspended(evidence.issuer)
        );
    }

    /// @dev The key of a record or a batch in its issuer's namespace.
    function _recordKey(uint32 issuer, bytes32 hash) private pure returns (bytes32) {
        return keccak256(abi.encode(issuer, hash));
    }

    function _saturate40(uint64 value) private pure returns (uint64) {
        return value > type(uint40).max ? type(uint40).max : value;
    }
}
