// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {SharingGrantRegistry} from "../../../contracts/SharingGrantRegistry.sol";
import {DistrictAccessManager} from "../../../contracts/access/DistrictAccessManager.sol";
import {vm} from "./Vm.sol";

/// @title AccessHandler
/// @notice The actions AccessInvariantsTest fuzzes: sharing grants made and revoked by the operator, by department
/// signers and by an outsider, the clock moved, and every AccessManager function that decides who the operator is,
/// called by anyone but the operator. It keeps a model of the grants, and counts each grant or revocation that changed
/// the rights of a (provider, consumer, type) other than its own.
contract AccessHandler {
    uint64 internal constant ADMIN_ROLE = 0;
    uint64 internal constant OPERATOR_ROLE = 1;
    uint32 internal constant PROVIDERS = 2; // psb (1) and market regulation (2) issue one type each
    uint32 internal constant CONSUMERS = 3;

    DistrictAccessManager public immutable manager;
    SharingGrantRegistry public immutable grants;
    address public immutable operator;
    address[] internal _callers;
    bytes32[2] internal _types = [bytes32(keccak256("resident-id-card")), bytes32(keccak256("business-licence"))];

    struct Modelled {
        bool granted;
        bool revoked;
        uint64 validUntil;
    }

    mapping(bytes32 => Modelled) internal _model;
    uint256 public clock;
    /// @notice Grants or revocations after which another (provider, consumer, type)'s mayRead had changed.
    uint256 public othersChanged;
    uint256 public grantsMade;
    uint256 public revocationsMade;
    uint256 public roleCallsTried;

    constructor(
        DistrictAccessManager manager_,
        SharingGrantRegistry grants_,
        address operator_,
        address[] memory callers_,
        uint256 start
    ) {
        manager = manager_;
        grants = grants_;
        operator = operator_;
        _callers = callers_;
        clock = start;
    }

    function actions() external pure returns (bytes4[] memory s) {
        s = new bytes4[](4);
        s[0] = this.grant.selector;
        s[1] = this.revoke.selector;
        s[2] = this.warp.selector;
        s[3] = this.callManager.selector;
    }

    /// @dev Caller 0 is the operator; the others are department signers and an outsider.
    function _caller(uint256 seed) internal view returns (address) {
        uint256 i = seed % (_callers.length + 1);
        return i == 0 ? operator : _callers[i - 1];
    }

    /// @dev A (provider, consumer) pair from the seed's first six values, with the type the provider issues; `own` is
    /// its place among the twelve (provider, consumer, type) of _rights.
    function _tuple(uint256 seed)
        internal
        view
        returns (uint32 provider, uint32 consumer, bytes32 credentialType, uint256 own)
    {
        uint256 s = seed % (PROVIDERS * CONSUMERS);
        provider = uint32(s % PROVIDERS) + 1;
        consumer = uint32(s / PROVIDERS) + 1;
        credentialType = _types[provider - 1];
        own = s + PROVIDERS * CONSUMERS * (provider - 1);
    }

    /// @dev The (provider, consumer, type) at place `s` of _rights: every pair with either type.
    function _at(uint256 s) internal view returns (uint32 provider, uint32 consumer, bytes32 credentialType) {
        provider = uint32(s % PROVIDERS) + 1;
        consumer = uint32((s / PROVIDERS) % CONSUMERS) + 1;
        credentialType = _types[s / (PROVIDERS * CONSUMERS)];
    }

    /// @notice Whether the model says `consumer` may read `credentialType` of `provider` now.
    function modelMayRead(uint32 provider, uint32 consumer, bytes32 credentialType) public view returns (bool) {
        Modelled memory m = _model[grants.grantIdOf(provider, consumer, credentialType, bytes32(0))];
        return m.granted && !m.revoked && (m.validUntil == 0 || block.timestamp <= m.validUntil);
    }

    /// @dev Every tuple's mayRead, in the order of _tuple's seeds.
    function _rights() internal view returns (bool[] memory rights) {
        rights = new bool[](PROVIDERS * CONSUMERS * 2);
        for (uint256 s = 0; s < rights.length; ++s) {
            (uint32 p, uint32 c, bytes32 t) = _at(s);
            rights[s] = grants.mayRead(p, c, t, bytes32(0));
        }
    }

    function _countOthersChanged(bool[] memory before, uint256 own) internal {
        bool[] memory afterwards = _rights();
        for (uint256 s = 0; s < before.length; ++s) {
            if (s != own && before[s] != afterwards[s]) {
                ++othersChanged;
                return;
            }
        }
    }

    function grant(uint256 callerSeed, uint256 tupleSeed, uint256 validitySeed) external {
        (uint32 p, uint32 c, bytes32 t, uint256 own) = _tuple(tupleSeed);
        uint64 validUntil = validitySeed % 3 == 0 ? 0 : uint64(clock + 1 + (validitySeed % 30 days));
        bool[] memory before = _rights();
        vm.prank(_caller(callerSeed));
        try grants.grant(p, c, t, bytes32(0), validUntil) {
            _model[grants.grantIdOf(p, c, t, bytes32(0))] = Modelled(true, false, validUntil);
            ++grantsMade;
        } catch {}
        _countOthersChanged(before, own);
    }

    function revoke(uint256 callerSeed, uint256 tupleSeed) external {
        (uint32 p, uint32 c, bytes32 t, uint256 own) = _tuple(tupleSeed);
        bytes32 id = grants.grantIdOf(p, c, t, bytes32(0));
        bool[] memory before = _rights();
        vm.prank(_caller(callerSeed));
        try grants.revokeGrant(id) {
            _model[id].revoked = true;
            ++revocationsMade;
        } catch {}
        _countOthersChanged(before, own);
    }

    function warp(uint256 seconds_) external {
        clock += seconds_ % 10 days;
        vm.warp(clock);
    }

    /// @notice Anyone but the operator tries a function of the manager that decides who holds which role, which role
    /// a registry function needs, or which manager a registry obeys.
    function callManager(uint256 callerSeed, uint256 action, uint256 targetSeed) external {
        address caller = _callers[callerSeed % _callers.length];
        address target = targetSeed % 2 == 0 ? caller : _callers[targetSeed % _callers.length];
        uint64 role = targetSeed % 3 == 0 ? ADMIN_ROLE : OPERATOR_ROLE;
        ++roleCallsTried;
        vm.prank(caller);
        uint256 which = action % 7;
        if (which == 0) {
            try manager.grantRole(role, target, 0) {} catch {}
        } else if (which == 1) {
            try manager.revokeRole(role, operator) {} catch {}
        } else if (which == 2) {
            try manager.setRoleAdmin(OPERATOR_ROLE, uint64(targetSeed % 5) + 2) {} catch {}
        } else if (which == 3) {
            bytes4[] memory selectors = new bytes4[](1);
            selectors[0] = SharingGrantRegistry.grant.selector;
            try manager.setTargetFunctionRole(address(grants), selectors, manager.PUBLIC_ROLE()) {} catch {}
        } else if (which == 4) {
            try manager.updateAuthority(address(grants), target) {} catch {}
        } else if (which == 5) {
            try manager.setRoleGuardian(OPERATOR_ROLE, uint64(targetSeed % 5) + 2) {} catch {}
        } else {
            try manager.renounceRole(role, caller) {} catch {}
        }
    }

    /// @notice Whether the registry still obeys the manager.
    function authorityKept() external view returns (bool) {
        return IAccessManaged(address(grants)).authority() == address(manager);
    }

    function callers() external view returns (address[] memory) {
        return _callers;
    }
}
