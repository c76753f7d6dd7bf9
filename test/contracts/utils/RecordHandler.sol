// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CredentialRecordRegistry} from "../../../contracts/CredentialRecordRegistry.sol";
import {CredentialTypeRegistry} from "../../../contracts/CredentialTypeRegistry.sol";
import {DepartmentRegistry} from "../../../contracts/DepartmentRegistry.sol";
import {ICredentialRecordRegistry} from "../../../contracts/interfaces/ICredentialRecordRegistry.sol";
import {RegistrySetup} from "./RegistrySetup.sol";
import {vm} from "./Vm.sol";

/// @title RecordHandler
/// @notice The invariant fuzzer's only target: each action picks an actor (a department signer, an outsider or the
/// operator), predicts from its own model whether the registries must accept the call, makes the call as that actor,
/// and counts every acceptance the model forbids (unauthorisedSuccesses) and every refusal of a call the model
/// allows (unexpectedFailures). On acceptance it updates the model: the records, revocations and batches that the
/// invariants compare the chain against.
/// @dev The handler keeps its own clock (`clock`) and re-applies it with vm.warp at the start of every action.
/// An issuer-authority change gets a second of its own (the clock moves one second before and after it): within one
/// second the registry cannot order a write and an authority change (issuer periods are kept in whole seconds), which
/// the RecordStatusTest.test_sameSecond_* tests pin down; keeping it out of the campaign leaves every invariant here
/// one exact answer, whichever way the registry settles that second.
contract RecordHandler is RegistrySetup {
    /// @notice The model of one record, kept under (issuer, recordHash) as the registry keeps it.
    struct RecordModel {
        bytes32 recordHash;
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
        /// Whether the model held the issuer authoritative for the type when the record (or its batch) was anchored.
        bool authorisedAtAnchor;
        /// Anchored singly (anchor or anchorBySig), rather than registered from a batch.
        bool single;
    }

    /// @notice The model of one batch, kept under (issuer, root) as the registry keeps it.
    struct BatchModel {
        bytes32 root;
        uint32 issuer;
        uint64 anchoredAt;
        uint32 recordCount;
        /// authorisedForType[t]: the model's authority of the issuer over type t (1 or 2) at anchoring.
        bool[3] authorisedForType;
    }

    bytes32 private constant _ANCHOR_TYPEHASH = keccak256(
        "Anchor(uint32 issuer,bytes32 recordHash,bytes32 subjectRef,uint32 credentialType,uint64 validFrom,uint64 validUntil,uint32 signerEpoch,uint256 nonce,uint256 deadline)"
    );
    uint256 private constant _YEAR = 365 days;

    /// @notice The handler's clock: the block timestamp of its next action.
    uint256 public clock;

    uint256 public unauthorisedSuccesses;
    string public lastUnauthorisedSuccess;
    uint256 public unexpectedFailures;
    string public lastUnexpectedFailure;
    bytes public lastUnexpectedError;

    /// @notice Accepted calls per action, to see what a campaign exercised.
    mapping(bytes32 action => uint256 count) public accepted;

    mapping(uint32 departmentId => bool suspended) public suspendedModel;
    mapping(uint32 departmentId => mapping(uint32 typeId => bool authorised)) public authorisedModel;

    bytes32[] private _recordKeys;
    mapping(bytes32 recordKey => RecordModel model) private _records;
    bytes32[] private _revokedKeys;
    bytes32[] private _batchKeys;
    mapping(bytes32 batchKey => BatchModel model) private _batches;
    /// @dev A root's leaves (the same whichever departments anchored the root).
    mapping(bytes32 root => ICredentialRecordRegistry.RecordAnchor[] leaves) private _leaves;
    /// @dev Fresh roots whose anchoring was refused, with the department (0: none) that tried.
    bytes32[] private _refusedRoots;
    uint32[] private _refusedDepartments;

    uint256 private _nonce;
    uint256[6] private _actorKeys;

    constructor(
        DepartmentRegistry departments_,
        CredentialTypeRegistry types_,
        CredentialRecordRegistry records_,
        address operator_,
        uint256 clock_
    ) {
        departments = departments_;
        types = types_;
        records = records_;
        operator = operator_;
        clock = clock_;
        _setActors();
        // Index 5 (key 0) stands for the operator, who signs for no department.
        _actorKeys = [PSB_KEY, PSB_KEY_2, MARKET_KEY, TOBACCO_KEY, OUTSIDER_KEY, 0];
        authorisedModel[PSB][RESIDENT_ID] = true;
        authorisedModel[MARKET][BUSINESS_LICENCE] = true;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Actions (the fuzzer's targets)
    // -----------------------------------------------------------------------------------------------------------------

    /// @notice Moves the clock forward by 1 second to 60 days.
    function warp(uint256 secondsSeed) external {
        clock += bound(secondsSeed, 1, 60 days);
        vm.warp(clock);
    }

    /// @notice Anchors one record as a fuzzed actor; sometimes with the hash of a stored record (of any department):
    /// refused when the actor's department already holds that hash, accepted in another department's namespace.
    function anchor(uint256 actorSeed, uint256 typeSeed, uint256 fromSeed, uint256 lengthSeed, bool reuse) external {
        vm.warp(clock);
        (address actor, uint32 department) = _actor(actorSeed);
        ICredentialRecordRegistry.RecordAnchor memory r = _newAnchor(typeSeed, fromSeed, lengthSeed, "single");
        r.credentialType = _typeFor(department, typeSeed);
        if (reuse && _recordKeys.length != 0) {
            r.recordHash = _records[_recordKeys[fromSeed % _recordKeys.length]].recordHash;
        }
        bool expected = !_exists(department, r.recordHash) && _mayAnchor(department, r.credentialType);

        vm.prank(actor);
        try records.anchor(r.recordHash, r.subjectRef, r.credentialType, r.validFrom, r.validUntil) {
            _check(true, expected, "anchor", "");
            if (!expected) return;
            _storeSingle(r, department);
        } catch (bytes memory err) {
            _check(false, expected, "anchor", err);
        }
    }

    /// @notice Submits an EIP-712 anchor signed with one fuzzed key on behalf of a (maybe different) claimed signer.
    function anchorBySig(uint256 signerSeed, uint256 claimedSeed, uint256 typeSeed, uint256 fromSeed, uint256 lengthSeed)
        external
    {
        vm.warp(clock);
        uint256 key = _actorKeys[signerSeed % 5];
        // Mostly the signer's own address; one time in four another actor's (a forged claim).
        (address claimed, uint32 department) =
            claimedSeed % 4 == 0 ? _actor(claimedSeed >> 2) : (vm.addr(key), _departmentOfKey(key));
        ICredentialRecordRegistry.RecordAnchor memory r = _newAnchor(typeSeed, fromSeed, lengthSeed, "signed");
        r.credentialType = _typeFor(department, typeSeed);
        ICredentialRecordRegistry.AnchorSignature memory terms = ICredentialRecordRegistry.AnchorSignature({
            signer: claimed,
            issuer: department,
            signerEpoch: departments.signerEpoch(claimed),
            nonce: records.nonces(claimed, 0),
            deadline: clock + bound(lengthSeed >> 128, 0, 1 days)
        });
        bytes32 digest = keccak256(
            abi.encodePacked("\x19\x01", records.DOMAIN_SEPARATOR(), _anchorStructHash(r, terms))
        );
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(key, digest);
        bool expected = claimed == vm.addr(key) && _mayAnchor(department, r.credentialType);

        vm.prank(outsider); // anyone may submit
        try records.anchorBySig(r, terms, abi.encodePacked(rr, s, v)) {
            _check(true, expected, "anchorBySig", "");
            if (!expected) return;
            _storeSingle(r, department);
            ++accepted[keccak256("anchorBySig")];
        } catch (bytes memory err) {
            _check(false, expected, "anchorBySig", err);
        }
    }

    /// @notice Anchors a Merkle batch of 1-4 leaves of either type as a fuzzed actor; a leaf now and then reuses the
    /// hash of a stored record; sometimes re-anchors the root of a known batch (of any department): refused when the
    /// actor's department already holds that root, accepted in another department's namespace.
    function anchorBatch(uint256 actorSeed, uint256 sizeSeed, uint256 fromSeed, bool reuseRoot) external {
        vm.warp(clock);
        (address actor, uint32 department) = _actor(actorSeed);
        uint256 size = bound(sizeSeed, 1, 4);
        ICredentialRecordRegistry.RecordAnchor[] memory leaves = new ICredentialRecordRegistry.RecordAnchor[](size);
        for (uint256 i = 0; i < size; ++i) {
            leaves[i] = _newAnchor(sizeSeed >> (8 + i), fromSeed >> (64 * i), sizeSeed >> (64 + 32 * i), "leaf");
            if ((fromSeed >> (248 + 2 * i)) % 4 == 3 && _recordKeys.length != 0) {
                leaves[i].recordHash = _records[_recordKeys[(sizeSeed >> 16) % _recordKeys.length]].recordHash;
            }
        }
        bytes32 root = _merkleRoot(leaves);
        bool reused = reuseRoot && _batchKeys.length != 0;
        if (reused) {
            root = _batches[_batchKeys[fromSeed % _batchKeys.length]].root;
            size = _leaves[root].length;
        }
        bytes32 key = _key(department, root);
        bool expected = _mayWrite(department) && _batches[key].issuer == 0;

        vm.prank(actor);
        try records.anchorBatch(root, uint32(size)) {
            _check(true, expected, "anchorBatch", "");
            if (!expected) return;
            BatchModel storage b = _batches[key];
            b.root = root;
            b.issuer = department;
            b.anchoredAt = uint64(clock);
            b.recordCount = uint32(size);
            b.authorisedForType[RESIDENT_ID] = authorisedModel[department][RESIDENT_ID];
            b.authorisedForType[BUSINESS_LICENCE] = authorisedModel[department][BUSINESS_LICENCE];
            if (!reused) for (uint256 i = 0; i < size; ++i) _leaves[root].push(leaves[i]);
            _batchKeys.push(key);
            ++accepted[keccak256("anchorBatch")];
        } catch (bytes memory err) {
            _check(false, expected, "anchorBatch", err);
            if (!reused) {
                _refusedRoots.push(root);
                _refusedDepartments.push(department);
            }
        }
    }

    /// @notice Registers one leaf of a known batch individually, as a fuzzed actor (in the actor's department's
    /// namespace: it must hold a batch with that root); sometimes with a forged leaf (must fail).
    function registerBatchRecord(uint256 actorSeed, uint256 batchSeed, uint256 leafSeed, bool forge) external {
        if (_batchKeys.length == 0) return;
        vm.warp(clock);
        BatchModel storage picked = _batches[_batchKeys[batchSeed % _batchKeys.length]];
        bytes32 root = picked.root;
        (address actor, uint32 department) = _actorFor(picked.issuer, actorSeed);
        bytes32 key = _key(department, root);
        uint256 index = leafSeed % _leaves[root].length;
        ICredentialRecordRegistry.RecordAnchor memory leaf = _leaves[root][index];
        bytes32[] memory proof = _proof(_leaves[root], index);
        if (forge) leaf.validUntil = leaf.validUntil == 0 ? uint64(clock + _YEAR) : 0;
        bool expected = !forge && _mayWrite(department) && _batches[key].issuer != 0
            && !_exists(department, leaf.recordHash);

        vm.prank(actor);
        try records.registerBatchRecord(root, leaf, proof) {
            _check(true, expected, "registerBatchRecord", "");
            if (!expected) return;
            _storeBatchRecord(key, leaf);
        } catch (bytes memory err) {
            _check(false, expected, "registerBatchRecord", err);
        }
    }

    /// @notice Revokes the hash of a stored record (or, one time in eight, an unknown hash) as a fuzzed actor: the
    /// registry revokes the record of that hash in the actor's own department, if there is one.
    function revoke(uint256 actorSeed, uint256 recordSeed, uint8 reason) external {
        vm.warp(clock);
        bool unknown = _recordKeys.length == 0 || recordSeed % 8 == 7;
        RecordModel storage picked = _records[unknown ? bytes32(0) : _recordKeys[recordSeed % _recordKeys.length]];
        bytes32 recordHash = unknown ? keccak256(abi.encode("unknown", recordSeed)) : picked.recordHash;
        (address actor, uint32 department) = _actorFor(picked.issuer, actorSeed);
        RecordModel storage m = _records[_key(department, recordHash)];
        bool expected = _mayWrite(department) && m.anchoredAt != 0 && m.revokedAt == 0;

        vm.prank(actor);
        try records.revokeRecord(recordHash, reason) {
            _check(true, expected, "revoke", "");
            if (!expected) return;
            _storeRevocation(_key(department, recordHash), reason);
        } catch (bytes memory err) {
            _check(false, expected, "revoke", err);
        }
    }

    /// @notice Registers and revokes a batch leaf in one step (or revokes it if registered) as a fuzzed actor;
    /// sometimes with a forged leaf (must fail either way: the proof is checked for registered leaves too).
    function revokeBatchRecord(uint256 actorSeed, uint256 batchSeed, uint256 leafSeed, uint8 reason, bool forge)
        external
    {
        if (_batchKeys.length == 0) return;
        vm.warp(clock);
        BatchModel storage picked = _batches[_batchKeys[batchSeed % _batchKeys.length]];
        bytes32 root = picked.root;
        (address actor, uint32 department) = _actorFor(picked.issuer, actorSeed);
        bytes32 batchKey = _key(department, root);
        uint256 index = leafSeed % _leaves[root].length;
        ICredentialRecordRegistry.RecordAnchor memory leaf = _leaves[root][index];
        bytes32[] memory proof = _proof(_leaves[root], index);
        bytes32 key = _key(department, leaf.recordHash);
        bool registered = _records[key].anchoredAt != 0;
        if (forge) leaf.validFrom = leaf.validFrom == 0 ? 1 : leaf.validFrom - 1;
        bool expected = !forge && _mayWrite(department) && _batches[batchKey].issuer != 0
            && (!registered || _records[key].revokedAt == 0);

        vm.prank(actor);
        try records.revokeBatchRecord(root, leaf, proof, reason) {
            _check(true, expected, "revokeBatchRecord", "");
            if (!expected) return;
            if (!registered) _storeBatchRecord(batchKey, _leaves[root][index]);
            _storeRevocation(key, reason);
        } catch (bytes memory err) {
            _check(false, expected, "revokeBatchRecord", err);
        }
    }

    /// @notice Supersedes one stored record's hash by another's as a fuzzed actor (in the actor's department).
    function supersede(uint256 actorSeed, uint256 oldSeed, uint256 newSeed) external {
        if (_recordKeys.length == 0) return;
        vm.warp(clock);
        bytes32 pickedKey = _recordKeys[oldSeed % _recordKeys.length];
        bytes32 oldHash = _records[pickedKey].recordHash;
        bytes32 newHash = _records[_supersessionCandidate(pickedKey, newSeed)].recordHash;
        (address actor, uint32 department) = _actorFor(_records[pickedKey].issuer, actorSeed);
        RecordModel storage o = _records[_key(department, oldHash)];
        RecordModel storage n = _records[_key(department, newHash)];
        bool expected = _mayWrite(department) && o.anchoredAt != 0 && n.anchoredAt != 0 && o.revokedAt == 0
            && o.supersededBy == bytes32(0) && oldHash != newHash && n.revokedAt == 0 && n.supersededBy == bytes32(0)
            && n.supersedes == bytes32(0) && o.credentialType == n.credentialType;

        vm.prank(actor);
        try records.supersede(oldHash, newHash) {
            _check(true, expected, "supersede", "");
            if (!expected) return;
            o.supersededBy = newHash;
            n.supersedes = oldHash;
            ++accepted[keccak256("supersede")];
        } catch (bytes memory err) {
            _check(false, expected, "supersede", err);
        }
    }

    /// @notice Suspends or reinstates a department; the caller is the operator half the time, else a department
    /// signer or the outsider, who hold no operator role (must fail).
    function toggleSuspension(uint256 callerSeed, uint256 departmentSeed) external {
        vm.warp(clock);
        uint32 department = uint32(bound(departmentSeed, PSB, TOBACCO));
        (address caller, bool isOperator) = _operatorOrNot(callerSeed);
        bool suspend = !suspendedModel[department];
        string memory action = suspend ? "suspendDepartment" : "reinstateDepartment";

        vm.prank(caller);
        (bool ok, bytes memory err) = address(departments).call(
            suspend
                ? abi.encodeCall(DepartmentRegistry.suspendDepartment, (department))
                : abi.encodeCall(DepartmentRegistry.reinstateDepartment, (department))
        );
        _check(ok, isOperator, action, err);
        if (ok && isOperator) {
            suspendedModel[department] = suspend;
            ++accepted[keccak256(bytes(action))];
        }
    }

    /// @notice Grants or ends a department's authority over a type through the type registry (the operator half the
    /// time, else must fail), or, one time in four, tries DepartmentRegistry.setIssuerRole directly (only the type
    /// registry holds CATALOGUE_ROLE: must fail, for the operator too).
    function toggleAuthority(uint256 callerSeed, uint256 departmentSeed, uint256 typeSeed) external {
        uint32 department = uint32(bound(departmentSeed, PSB, TOBACCO));
        uint32 typeId = uint32(bound(typeSeed, RESIDENT_ID, BUSINESS_LICENCE));
        bool grant = !authorisedModel[department][typeId];
        // An authority change has a second of its own (see the contract's @dev).
        ++clock;
        vm.warp(clock);
        (address caller, bool isOperator) = _operatorOrNot(callerSeed);
        bool direct = (typeSeed >> 128) % 4 == 3;
        bool expected = isOperator && !direct;
        string memory action = direct ? "setIssuerRole" : grant ? "authoriseIssuer" : "revokeIssuer";
        bytes memory data = direct
            ? abi.encodeCall(DepartmentRegistry.setIssuerRole, (department, typeId, grant))
            : grant
                ? abi.encodeCall(CredentialTypeRegistry.authoriseIssuer, (typeId, department))
                : abi.encodeCall(CredentialTypeRegistry.revokeIssuer, (typeId, department));

        vm.prank(caller);
        (bool ok, bytes memory err) = (direct ? address(departments) : address(types)).call(data);
        _check(ok, expected, action, err);
        if (ok && expected) {
            authorisedModel[department][typeId] = grant;
            ++accepted[keccak256(bytes(action))];
        }
        ++clock;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // The model, for the invariants
    // -----------------------------------------------------------------------------------------------------------------

    /// @notice The model keys (keccak256(abi.encode(issuer, recordHash))) of every stored record.
    function recordKeys() external view returns (bytes32[] memory) {
        return _recordKeys;
    }

    function recordModel(bytes32 recordKey) external view returns (RecordModel memory) {
        return _records[recordKey];
    }

    function recordModelOf(uint32 issuer, bytes32 recordHash) external view returns (RecordModel memory) {
        return _records[_key(issuer, recordHash)];
    }

    function revokedKeys() external view returns (bytes32[] memory) {
        return _revokedKeys;
    }

    /// @notice The model keys (keccak256(abi.encode(issuer, root))) of every anchored batch.
    function batchKeys() external view returns (bytes32[] memory) {
        return _batchKeys;
    }

    function batchModel(bytes32 batchKey) external view returns (BatchModel memory) {
        return _batches[batchKey];
    }

    /// @notice Fresh roots whose anchoring was refused, and the department (0: none) that tried each.
    function refusedBatches() external view returns (uint32[] memory departmentIds, bytes32[] memory rootList) {
        return (_refusedDepartments, _refusedRoots);
    }

    function batchLeaves(bytes32 root) external view returns (ICredentialRecordRegistry.RecordAnchor[] memory) {
        return _leaves[root];
    }

    function batchProof(bytes32 root, uint256 index) external view returns (bytes32[] memory) {
        return _proof(_leaves[root], index);
    }

    /// @notice The selectors the fuzzer may call.
    function actions() external pure returns (bytes4[] memory s) {
        s = new bytes4[](10);
        s[0] = this.warp.selector;
        s[1] = this.anchor.selector;
        s[2] = this.anchorBySig.selector;
        s[3] = this.anchorBatch.selector;
        s[4] = this.registerBatchRecord.selector;
        s[5] = this.revoke.selector;
        s[6] = this.revokeBatchRecord.selector;
        s[7] = this.supersede.selector;
        s[8] = this.toggleSuspension.selector;
        s[9] = this.toggleAuthority.selector;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Internals
    // -----------------------------------------------------------------------------------------------------------------

    /// @dev Actors: psb, psb (2nd key), market-regulation, tobacco, outsider, operator.
    function _actor(uint256 seed) private view returns (address actor, uint32 department) {
        uint256 key = _actorKeys[seed % 6];
        if (key == 0) return (operator, 0);
        return (vm.addr(key), _departmentOfKey(key));
    }

    /// @dev Three times in four a signer of `department` (when it has one), else any actor.
    function _actorFor(uint32 department, uint256 seed) private view returns (address actor, uint32 actorDepartment) {
        if (department == 0 || seed % 4 == 0) return _actor(seed >> 2);
        if (department == PSB) return ((seed >> 2) % 2 == 0 ? psbSigner : psbSigner2, PSB);
        return (department == MARKET ? marketSigner : tobaccoSigner, department);
    }

    /// @dev Three times in four a type the model has `department` authoritative for (when there is one), else either.
    function _typeFor(uint32 department, uint256 seed) private view returns (uint32) {
        uint32 either = seed % 2 == 0 ? RESIDENT_ID : BUSINESS_LICENCE;
        if ((seed >> 1) % 4 == 0) return either;
        if (authorisedModel[department][either]) return either;
        uint32 other = either == RESIDENT_ID ? BUSINESS_LICENCE : RESIDENT_ID;
        return authorisedModel[department][other] ? other : either;
    }

    /// @dev Three times in four the first stored record from a fuzzed position that could supersede `oldHash` (same
    /// issuer and type, live and unlinked), else (or when there is none) the record at that position.
    function _supersessionCandidate(bytes32 oldKey, uint256 seed) private view returns (bytes32) {
        uint256 n = _recordKeys.length;
        uint256 start = seed % n;
        if ((seed >> 128) % 4 == 0) return _recordKeys[start];
        RecordModel storage o = _records[oldKey];
        for (uint256 k = 0; k < n; ++k) {
            bytes32 candidate = _recordKeys[(start + k) % n];
            RecordModel storage c = _records[candidate];
            if (
                c.recordHash != o.recordHash && c.issuer == o.issuer && c.credentialType == o.credentialType
                    && c.revokedAt == 0 && c.supersededBy == bytes32(0) && c.supersedes == bytes32(0)
            ) return candidate;
        }
        return _recordKeys[start];
    }

    function _key(uint32 issuer, bytes32 recordHash) private pure returns (bytes32) {
        return keccak256(abi.encode(issuer, recordHash));
    }

    function _exists(uint32 issuer, bytes32 recordHash) private view returns (bool) {
        return _records[_key(issuer, recordHash)].anchoredAt != 0;
    }

    function _operatorOrNot(uint256 seed) private view returns (address caller, bool isOperator) {
        if (seed % 2 == 0) return (operator, true);
        (caller,) = _actor(seed % 5); // a department signer or the outsider
    }

    function _mayWrite(uint32 department) private view returns (bool) {
        return department != 0 && !suspendedModel[department];
    }

    function _mayAnchor(uint32 department, uint32 typeId) private view returns (bool) {
        return _mayWrite(department) && authorisedModel[department][typeId];
    }

    /// @dev Fresh hash; type 1 or 2; validFrom 0 or within a year either side of now; validUntil 0 or up to 3 years on.
    function _newAnchor(uint256 typeSeed, uint256 fromSeed, uint256 lengthSeed, string memory kind)
        private
        returns (ICredentialRecordRegistry.RecordAnchor memory r)
    {
        r.recordHash = keccak256(abi.encode(kind, ++_nonce));
        r.subjectRef = keccak256(abi.encode("subject", typeSeed % 5));
        r.credentialType = typeSeed % 2 == 0 ? RESIDENT_ID : BUSINESS_LICENCE;
        r.validFrom = fromSeed % 16 == 0 ? 0 : uint64(bound(fromSeed, clock - _YEAR, clock + _YEAR));
        r.validUntil = lengthSeed % 4 == 0 ? 0 : uint64(r.validFrom + bound(lengthSeed, 0, 3 * _YEAR));
    }

    function _storeSingle(ICredentialRecordRegistry.RecordAnchor memory r, uint32 department) private {
        bytes32 key = _key(department, r.recordHash);
        RecordModel storage m = _records[key];
        m.recordHash = r.recordHash;
        m.issuer = department;
        m.credentialType = r.credentialType;
        m.anchoredAt = uint64(clock);
        m.validFrom = r.validFrom;
        m.validUntil = r.validUntil;
        m.authorisedAtAnchor = true;
        m.single = true;
        _recordKeys.push(key);
        ++accepted[keccak256("anchor")];
    }

    function _storeBatchRecord(bytes32 batchKey, ICredentialRecordRegistry.RecordAnchor memory leaf) private {
        BatchModel storage b = _batches[batchKey];
        bytes32 key = _key(b.issuer, leaf.recordHash);
        RecordModel storage m = _records[key];
        m.recordHash = leaf.recordHash;
        m.issuer = b.issuer;
        m.credentialType = leaf.credentialType;
        m.anchoredAt = b.anchoredAt;
        m.validFrom = leaf.validFrom;
        m.validUntil = leaf.validUntil;
        m.batchRoot = b.root;
        m.authorisedAtAnchor = b.authorisedForType[leaf.credentialType];
        _recordKeys.push(key);
        ++accepted[keccak256("registerBatchRecord")];
    }

    function _storeRevocation(bytes32 key, uint8 reason) private {
        RecordModel storage m = _records[key];
        m.revokedAt = uint64(clock);
        m.revocationReason = reason;
        _revokedKeys.push(key);
        ++accepted[keccak256("revoke")];
    }

    function _check(bool ok, bool expected, string memory action, bytes memory err) private {
        if (ok && !expected) {
            ++unauthorisedSuccesses;
            lastUnauthorisedSuccess = action;
        } else if (!ok && expected) {
            ++unexpectedFailures;
            lastUnexpectedFailure = action;
            lastUnexpectedError = err;
        }
    }

    function _leafHash(ICredentialRecordRegistry.RecordAnchor memory r) private pure returns (bytes32) {
        return keccak256(
            bytes.concat(keccak256(abi.encode(r.recordHash, r.subjectRef, r.credentialType, r.validFrom, r.validUntil)))
        );
    }

    /// @dev OpenZeppelin's commutative pair hash (MerkleProof sorts each pair).
    function _pair(bytes32 a, bytes32 b) private pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    /// @dev Tree over 1-4 leaves: pairs (0,1) and (2,3) hashed, an odd last leaf promoted unchanged.
    function _anchorStructHash(
        ICredentialRecordRegistry.RecordAnchor memory r,
        ICredentialRecordRegistry.AnchorSignature memory terms
    ) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                _ANCHOR_TYPEHASH,
                terms.issuer,
                r.recordHash,
                r.subjectRef,
                r.credentialType,
                r.validFrom,
                r.validUntil,
                terms.signerEpoch,
                terms.nonce,
                terms.deadline
            )
        );
    }

    function _merkleRoot(ICredentialRecordRegistry.RecordAnchor[] memory leaves) private pure returns (bytes32) {
        uint256 n = leaves.length;
        if (n == 1) return _leafHash(leaves[0]);
        bytes32 left = _pair(_leafHash(leaves[0]), _leafHash(leaves[1]));
        if (n == 2) return left;
        bytes32 right = n == 3 ? _leafHash(leaves[2]) : _pair(_leafHash(leaves[2]), _leafHash(leaves[3]));
        return _pair(left, right);
    }

    function _proof(ICredentialRecordRegistry.RecordAnchor[] memory leaves, uint256 index)
        private
        pure
        returns (bytes32[] memory proof)
    {
        uint256 n = leaves.length;
        if (n == 1) return new bytes32[](0);
        if (n == 2) {
            proof = new bytes32[](1);
            proof[0] = _leafHash(leaves[1 - index]);
            return proof;
        }
        bytes32 left = _pair(_leafHash(leaves[0]), _leafHash(leaves[1]));
        if (index == 2 && n == 3) {
            proof = new bytes32[](1);
            proof[0] = left;
            return proof;
        }
        if (index < 2) {
            bytes32 right = n == 3 ? _leafHash(leaves[2]) : _pair(_leafHash(leaves[2]), _leafHash(leaves[3]));
            proof = new bytes32[](2);
            proof[0] = _leafHash(leaves[1 - index]);
            proof[1] = right;
            return proof;
        }
        proof = new bytes32[](2);
        proof[0] = _leafHash(leaves[index == 2 ? 3 : 2]);
        proof[1] = left;
    }
}
