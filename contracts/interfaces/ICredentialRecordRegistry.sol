// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IVersioned} from "./IVersioned.sol";

/// @title ICredentialRecordRegistry
/// @notice Salted hashes of the records departments issue, singly or as Merkle batches, with revocation,
/// expiry and supersession, and the one combined status check that verifiers rely on.
/// @dev No personal data: a record is its salted hash, a subject is a keyed hash (HMAC) held by the district.
interface ICredentialRecordRegistry is IVersioned {
    /// @notice The combined verdict on a record. Listed in the order the checks apply: the first that holds wins.
    enum RecordStatus {
        Unknown,
        Revoked,
        Superseded,
        IssuerNotAuthorised,
        IssuerSuspended,
        Expired,
        NotYetValid,
        Valid
    }

    /// @notice The public facts a record is anchored with; in a batch, the values its Merkle leaf is built from.
    /// @dev Leaf = keccak256(bytes.concat(keccak256(abi.encode(recordHash, subjectRef, credentialType, validFrom,
    /// validUntil)))), the double-hashed format of OpenZeppelin's StandardMerkleTree.
    struct RecordAnchor {
        bytes32 recordHash;
        bytes32 subjectRef;
        uint32 credentialType;
        uint64 validFrom;
        uint64 validUntil;
    }

    /// @notice The stored facts behind a status, returned with it as evidence.
    struct RecordEvidence {
        uint32 issuer;
        uint32 credentialType;
        uint64 anchoredAt;
        uint64 validFrom;
        uint64 validUntil;
        uint64 revokedAt;
        uint8 revocationReason;
        bytes32 batchRoot;
        bytes32 supersededBy;
        bytes32 supersedes;
    }

    /// @notice Who signed a delegated anchoring request (EIP-712 `Anchor`), for which department, and until when.
    /// @dev `signerEpoch` is DepartmentRegistry.signerEpoch(signer) when the request was signed: a key removed since
    /// (and perhaps added again) no longer makes it good. `nonce` is a keyed nonce (key << 64 | sequence, as in
    /// ERC-4337): requests under different keys never wait for one another, and `useNonce` cancels one.
    struct AnchorSignature {
        address signer;
        uint32 issuer;
        uint32 signerEpoch;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice A Merkle batch of records anchored by one department.
    /// @dev `recordCount` bounds every proof into the batch: a leaf's proof has floor(log2 n) or ceil(log2 n) nodes,
    /// as in OpenZeppelin's standard tree of n leaves, so no batch proves twice as many records as it declares.
    struct Batch {
        uint32 issuer;
        uint64 anchoredAt;
        uint32 recordCount;
    }

    /// @notice Emitted when a department anchors one record.
    event CredentialAnchored(
        bytes32 indexed recordHash,
        bytes32 indexed subjectRef,
        uint32 indexed issuer,
        uint32 credentialType,
        uint64 validFrom,
        uint64 validUntil
    );
    /// @notice Emitted when a department anchors the Merkle root of a batch of records.
    event CredentialBatchAnchored(bytes32 indexed root, uint32 indexed issuer, uint32 recordCount);
    /// @notice Emitted when a batched record is registered individually (before its revocation or supersession), with
    /// the facts now stored for it (validity beyond 2^40 s saturated), so that an index needs no past state.
    event CredentialBatchRecordRegistered(
        bytes32 indexed recordHash,
        bytes32 indexed root,
        bytes32 indexed subjectRef,
        uint32 issuer,
        uint32 credentialType,
        uint64 validFrom,
        uint64 validUntil
    );
    /// @notice Emitted when the issuing department revokes a record. Revocation is final; its time is the block's.
    event CredentialRevoked(bytes32 indexed recordHash, uint32 indexed issuer, uint8 reason);
    /// @notice Emitted when a record replaces an older one.
    event CredentialSuperseded(bytes32 indexed oldRecordHash, bytes32 indexed newRecordHash, uint32 indexed issuer);

    /// @notice The caller's key signs for no department.
    error CredentialRegistryNotDepartmentSigner(address account);
    /// @notice The department is suspended and may not write.
    error CredentialRegistryDepartmentSuspended(uint32 departmentId);
    /// @notice The department is not an authoritative issuer of the type (now).
    error CredentialRegistryNotIssuer(uint32 departmentId, uint32 credentialType);
    /// @notice The record hash is zero.
    error CredentialRegistryEmptyRecordHash();
    /// @notice The batch root is zero or the batch is empty.
    error CredentialRegistryEmptyBatch();
    /// @notice The record is already anchored.
    error CredentialRegistryAlreadyAnchored(bytes32 recordHash);
    /// @notice The batch root is already anchored.
    error CredentialRegistryBatchAlreadyAnchored(bytes32 root);
    /// @notice The caller's department has no batch with this root.
    error CredentialRegistryUnknownBatch(bytes32 root);
    /// @notice The Merkle proof does not lead from the leaf to the root.
    error CredentialRegistryInvalidProof(bytes32 root, bytes32 recordHash);
    /// @notice The proof's length does not fit a tree of the batch's declared record count.
    error CredentialRegistryInvalidProofLength(bytes32 root, uint32 recordCount, uint256 proofLength);
    /// @notice The record is not anchored in the caller's department (or, batched, not yet registered individually).
    error CredentialRegistryUnknownRecord(bytes32 recordHash);
    /// @notice The record is already revoked.
    error CredentialRegistryAlreadyRevoked(bytes32 recordHash);
    /// @notice The record is already superseded.
    error CredentialRegistryAlreadySuperseded(bytes32 recordHash);
    /// @notice A record cannot supersede itself, or one that supersedes it.
    error CredentialRegistryInvalidSupersession(bytes32 oldRecordHash, bytes32 newRecordHash);
    /// @notice validUntil is set and earlier than validFrom.
    error CredentialRegistryInvalidValidity(uint64 validFrom, uint64 validUntil);
    /// @notice The delegated request's deadline has passed.
    error CredentialRegistryExpiredSignature(uint256 deadline);
    /// @notice The signature was not made by the claimed signer.
    error CredentialRegistryInvalidSignature(address signer, address recovered);
    /// @notice The key signs for another department than the one the request names.
    error CredentialRegistrySignerNotOfIssuer(address signer, uint32 issuer, uint32 signerDepartment);
    /// @notice The key was removed (and perhaps added again) after the request was signed.
    error CredentialRegistryStaleSignerKey(address signer, uint32 signedEpoch, uint32 currentEpoch);

    /// @notice Anchors one record, issued by the caller's department.
    /// @param recordHash sha256 of the canonical record, salt included.
    /// @param subjectRef HMAC-SHA256 of the subject's identifier under the district's key.
    /// @param credentialType The type version the record follows.
    /// @param validFrom First second of validity.
    /// @param validUntil Last second of validity; 0 = no expiry.
    function anchor(
        bytes32 recordHash,
        bytes32 subjectRef,
        uint32 credentialType,
        uint64 validFrom,
        uint64 validUntil
    ) external;

    /// @notice Anchors a record signed (EIP-712) by a signer of department `terms.issuer` and submitted by anyone.
    /// @dev Bound to this chain and contract through the domain, to the department and to the key's epoch through the
    /// signed terms; the keyed nonce makes each signature single-use. The deadline is inclusive: a request is accepted
    /// while block.timestamp <= deadline. Refused while the registry is closed.
    function anchorBySig(RecordAnchor calldata record, AnchorSignature calldata terms, bytes calldata signature)
        external;

    /// @notice Uses up the caller's next nonce under `key`, cancelling a delegated request signed with it.
    /// @return nonce The nonce used up (key << 64 | sequence).
    function useNonce(uint192 key) external returns (uint256 nonce);

    /// @notice Anchors the Merkle root of a batch of `recordCount` records issued by the caller's department (in its
    /// namespace). Refused while the registry is closed.
    /// @dev Types and validity are checked per record when its status is read, against the batch's anchoring time.
    function anchorBatch(bytes32 root, uint32 recordCount) external;

    /// @notice Registers one record of an anchored batch individually, so that it can be revoked or superseded.
    /// Issuing department only; refused while the registry is closed.
    function registerBatchRecord(bytes32 root, RecordAnchor calldata leaf, bytes32[] calldata proof) external;

    /// @notice Revokes one of the caller's department's records (single or registered batch record); final.
    /// @dev Open even while the registry is closed: a revocation only withdraws trust, and is what a department needs
    /// during an incident. A department whose key is misused is suspended instead, which stops its revocations too.
    function revokeRecord(bytes32 recordHash, uint8 reason) external;

    /// @notice Registers a batched record and revokes it in one step. Issuing department only; final; open while the
    /// registry is closed, as revokeRecord is.
    function revokeBatchRecord(bytes32 root, RecordAnchor calldata leaf, bytes32[] calldata proof, uint8 reason)
        external;

    /// @notice Marks `oldRecordHash` as replaced by `newRecordHash`, linking both ways. Both must be records of the
    /// caller's department, anchored (batched ones registered), of the same credential type code. Refused while the
    /// registry is closed.
    function supersede(bytes32 oldRecordHash, bytes32 newRecordHash) external;

    /// @notice The combined status of a single or registered batch record of `issuer`, with its evidence.
    /// @dev Records are kept per issuer: the issuer is part of every record, so a verifier always knows it.
    function recordStatus(uint32 issuer, bytes32 recordHash)
        external
        view
        returns (RecordStatus status, RecordEvidence memory evidence);

    /// @notice The combined status of a record in `issuer`'s batch `root`, given its leaf values and Merkle proof.
    /// @dev Unknown when the batch is unknown, the proof does not hold or does not fit the batch's record count, or the
    /// leaf could never be registered (zero record hash, validUntil before validFrom). Validity beyond 2^40 s reads
    /// saturated.
    function batchRecordStatus(uint32 issuer, bytes32 root, RecordAnchor calldata leaf, bytes32[] calldata proof)
        external
        view
        returns (RecordStatus status, RecordEvidence memory evidence);

    /// @notice `issuer`'s batch anchored under this root (issuer 0 when unknown).
    function batch(uint32 issuer, bytes32 root) external view returns (Batch memory);

    /// @notice The next nonce of a signer under `key` for delegated anchoring (key << 64 | sequence).
    function nonces(address signer, uint192 key) external view returns (uint256);

    /// @notice The DepartmentRegistry this registry attributes writes through (fixed at deployment).
    function departmentRegistry() external view returns (address);

    /// @notice The CredentialTypeRegistry whose type ids this registry's records name (fixed at deployment).
    function typeRegistry() external view returns (address);

    /// @notice The EIP-712 domain separator of this contract on this chain.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32);
}
