// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {AuthorityUtils} from "@openzeppelin/contracts/access/manager/AuthorityUtils.sol";
import {Closable} from "./access/Closable.sol";
import {IDepartmentRegistry} from "./interfaces/IDepartmentRegistry.sol";
import {IVersioned} from "./interfaces/IVersioned.sol";

/// @title DepartmentRegistry
/// @notice Departments, their signer keys, endpoints and suspension. Operator functions are `restricted`: the
/// district's AccessManager decides who the operator is.
contract DepartmentRegistry is IDepartmentRegistry, Closable {
    /// @dev A key's department, with the department's suspension mirrored beside it so that every write pays for
    /// one storage read. Suspension rewrites the mirrors of at most MAX_SIGNERS keys. The epoch outlives the key's
    /// membership: removing a key keeps it, adding it again counts up.
    struct SignerEntry {
        uint32 departmentId;
        bool suspended;
        uint32 epoch;
    }

    /// @notice The most signer keys one department may hold.
    uint256 public constant MAX_SIGNERS = 8;

    mapping(uint32 departmentId => Department department) private _departments;
    mapping(bytes32 codeKey => uint32 departmentId) private _idByCode;
    mapping(address signer => SignerEntry entry) private _signers;
    /// @dev The current (or last) issuer period: the one anchoring reads, in one storage read.
    mapping(address typeRegistry => mapping(uint32 departmentId => mapping(uint32 typeId => IssuerPeriod period)))
        private _issuerPeriods;
    /// @dev Closed earlier periods, read only when a status check falls outside the current one.
    mapping(address typeRegistry => mapping(uint32 departmentId => mapping(uint32 typeId => IssuerPeriod[] periods)))
        private _pastIssuerPeriods;
    uint32 private _count;

    constructor(address authority) AccessManaged(authority) {}

    /// @inheritdoc IDepartmentRegistry
    function registerDepartment(
        string calldata code,
        string calldata nameZh,
        string calldata nameEn,
        string calldata endpoint,
        address[] calldata signers
    ) external restricted returns (uint32 departmentId) {
        if (bytes(code).length == 0) revert DepartmentRegistryEmptyCode();
        bytes32 codeKey = keccak256(bytes(code));
        uint32 existing = _idByCode[codeKey];
        if (existing != 0) revert DepartmentRegistryCodeTaken(codeKey, existing);
        departmentId = ++_count;
        _idByCode[codeKey] = departmentId;
        Department storage d = _departments[departmentId];
        d.code = code;
        d.nameZh = nameZh;
        d.nameEn = nameEn;
        d.endpoint = endpoint;
        d.registeredAt = uint64(block.timestamp);
        emit DepartmentRegistered(departmentId, codeKey, code);
        if (bytes(endpoint).length != 0) emit DepartmentEndpointChanged(departmentId, endpoint);
        for (uint256 i = 0; i < signers.length; ++i) {
            _addSigner(departmentId, signers[i]);
        }
    }

    /// @inheritdoc IDepartmentRegistry
    function addSigner(uint32 departmentId, address signer) external restricted {
        _requireDepartment(departmentId);
        _addSigner(departmentId, signer);
    }

    /// @inheritdoc IDepartmentRegistry
    function removeSigner(uint32 departmentId, address signer) external restricted {
        _requireDepartment(departmentId);
        _removeSigner(departmentId, signer);
    }

    /// @inheritdoc IDepartmentRegistry
    function rotateSigner(uint32 departmentId, address oldSigner, address newSigner) external restricted {
        _requireDepartment(departmentId);
        _removeSigner(departmentId, oldSigner);
        _addSigner(departmentId, newSigner);
    }

    /// @inheritdoc IDepartmentRegistry
    function setEndpoint(uint32 departmentId, string calldata endpoint) external {
        _requireOpen();
        _requireDepartment(departmentId);
        if (_signers[msg.sender].departmentId != departmentId) {
            (bool immediate,) =
                AuthorityUtils.canCallWithDelay(authority(), msg.sender, address(this), this.setEndpoint.selector);
            if (!immediate) revert DepartmentRegistryUnauthorizedEndpointChange(msg.sender, departmentId);
        }
        _departments[departmentId].endpoint = endpoint;
        emit DepartmentEndpointChanged(departmentId, endpoint);
    }

    /// @inheritdoc IDepartmentRegistry
    function suspendDepartment(uint32 departmentId) external restricted {
        Department storage d = _requireDepartment(departmentId);
        if (d.suspended) revert DepartmentRegistryAlreadySuspended(departmentId);
        _setSuspended(d, true);
        emit DepartmentSuspended(departmentId, uint64(block.timestamp));
    }

    /// @inheritdoc IDepartmentRegistry
    function reinstateDepartment(uint32 departmentId) external restricted {
        Department storage d = _requireDepartment(departmentId);
        if (!d.suspended) revert DepartmentRegistryNotSuspended(departmentId);
        _setSuspended(d, false);
        emit DepartmentReinstated(departmentId, uint64(block.timestamp));
    }

    /// @inheritdoc IDepartmentRegistry
    function setIssuerRole(uint32 departmentId, uint32 typeId, bool authorised) external restricted {
        _requireDepartment(departmentId);
        address typeRegistry = msg.sender;
        IssuerPeriod storage current = _issuerPeriods[typeRegistry][departmentId][typeId];
        bool open = current.from != 0 && current.until == 0;
        if (open == authorised) {
            revert DepartmentRegistryIssuerRoleUnchanged(departmentId, typeRegistry, typeId, authorised);
        }
        uint64 timestamp = uint64(block.timestamp);
        if (authorised) {
            if (current.from != 0) _pastIssuerPeriods[typeRegistry][departmentId][typeId].push(current);
            _issuerPeriods[typeRegistry][departmentId][typeId] = IssuerPeriod({from: timestamp, until: 0});
            emit DepartmentIssuerRoleGranted(departmentId, typeRegistry, typeId, timestamp);
        } else {
            current.until = timestamp;
            emit DepartmentIssuerRoleEnded(departmentId, typeRegistry, typeId, timestamp);
        }
    }

    /// @inheritdoc IDepartmentRegistry
    function department(uint32 departmentId) external view returns (Department memory) {
        return _requireDepartment(departmentId);
    }

    /// @inheritdoc IDepartmentRegistry
    function departmentIdOf(bytes32 codeKey) external view returns (uint32) {
        return _idByCode[codeKey];
    }

    /// @inheritdoc IDepartmentRegistry
    function signerDepartment(address signer) external view returns (uint32 departmentId, bool suspended) {
        SignerEntry memory entry = _signers[signer];
        return (entry.departmentId, entry.suspended);
    }

    /// @inheritdoc IDepartmentRegistry
    function issuerStanding(address signer, address typeRegistry, uint32 typeId)
        external
        view
        returns (uint32 departmentId, bool suspended, bool authorised)
    {
        SignerEntry memory entry = _signers[signer];
        if (entry.departmentId == 0) return (0, false, false);
        IssuerPeriod memory period = _issuerPeriods[typeRegistry][entry.departmentId][typeId];
        return (entry.departmentId, entry.suspended, period.from != 0 && period.until == 0);
    }

    /// @inheritdoc IDepartmentRegistry
    function isAuthorisedIssuer(uint32 departmentId, address typeRegistry, uint32 typeId, uint64 timestamp)
        external
        view
        returns (bool)
    {
        if (_covers(_issuerPeriods[typeRegistry][departmentId][typeId], timestamp)) return true;
        IssuerPeriod[] storage past = _pastIssuerPeriods[typeRegistry][departmentId][typeId];
        for (uint256 i = past.length; i > 0; --i) {
            if (_covers(past[i - 1], timestamp)) return true;
        }
        return false;
    }

    /// @inheritdoc IDepartmentRegistry
    function signerEpoch(address signer) external view returns (uint32) {
        return _signers[signer].epoch;
    }

    /// @inheritdoc IDepartmentRegistry
    function isSuspended(uint32 departmentId) external view returns (bool) {
        return _departments[departmentId].suspended;
    }

    /// @inheritdoc IDepartmentRegistry
    function departmentCount() external view returns (uint32) {
        return _count;
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    function _addSigner(uint32 departmentId, address signer) private {
        if (signer == address(0)) revert DepartmentRegistryZeroSigner();
        SignerEntry memory entry = _signers[signer];
        if (entry.departmentId != 0) revert DepartmentRegistrySignerTaken(signer, entry.departmentId);
        Department storage d = _departments[departmentId];
        if (d.signers.length >= MAX_SIGNERS) revert DepartmentRegistryTooManySigners(departmentId, MAX_SIGNERS);
        d.signers.push(signer);
        _signers[signer] = SignerEntry({departmentId: departmentId, suspended: d.suspended, epoch: entry.epoch + 1});
        emit DepartmentSignerAdded(departmentId, signer);
    }

    function _removeSigner(uint32 departmentId, address signer) private {
        if (_signers[signer].departmentId != departmentId) revert DepartmentRegistryNotSigner(signer, departmentId);
        address[] storage signers = _departments[departmentId].signers;
        uint256 last = signers.length - 1;
        for (uint256 i = 0; i <= last; ++i) {
            if (signers[i] == signer) {
                signers[i] = signers[last];
                signers.pop();
                break;
            }
        }
        _signers[signer] = SignerEntry({departmentId: 0, suspended: false, epoch: _signers[signer].epoch});
        emit DepartmentSignerRemoved(departmentId, signer);
    }

    function _setSuspended(Department storage d, bool suspended) private {
        d.suspended = suspended;
        address[] storage signers = d.signers;
        for (uint256 i = 0; i < signers.length; ++i) {
            _signers[signers[i]].suspended = suspended;
        }
    }

    function _requireDepartment(uint32 departmentId) private view returns (Department storage d) {
        if (departmentId == 0 || departmentId > _count) revert DepartmentRegistryUnknownDepartment(departmentId);
        d = _departments[departmentId];
    }

    /// @dev Strict at the start: a period that began in the very second of `timestamp` does not cover it, because the
    /// order of two transactions within one second is not known from their timestamps. Only batches are judged this
    /// way (a single record's authority is checked live when it is anchored).
    function _covers(IssuerPeriod memory period, uint64 timestamp) private pure returns (bool) {
        return period.from != 0 && period.from < timestamp && (period.until == 0 || timestamp < period.until);
    }
}
