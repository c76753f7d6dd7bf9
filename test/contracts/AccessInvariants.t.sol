// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SharingGrantRegistry} from "../../contracts/SharingGrantRegistry.sol";
import {AccessHandler} from "./utils/AccessHandler.sol";
import {HandlerTargets} from "./utils/HandlerTargets.sol";
import {RegistrySetup} from "./utils/RegistrySetup.sol";
import {vm} from "./utils/Vm.sol";

/// @title AccessInvariantsTest
/// @notice Under fuzzed sequences of sharing grants and revocations (by the operator, department signers and an
/// outsider), clock moves, and calls of the manager's role functions by anyone but the operator: a grant or a
/// revocation changes no other department's rights, the grants are what the model says, and who the operator is
/// stays as the operator set it (issue 13, item 10).
/// forge-config: default.invariant.runs = 64
/// forge-config: default.invariant.depth = 100
contract AccessInvariantsTest is RegistrySetup, HandlerTargets {

    AccessHandler internal handler;

    function setUp() public {
        _setUpRegistries();
        address[] memory others = new address[](4);
        others[0] = psbSigner;
        others[1] = marketSigner;
        others[2] = tobaccoSigner;
        others[3] = outsider;
        handler = new AccessHandler(manager, grants, operator, others, START_TIME);
        vm.label(address(handler), "AccessHandler");
    }

    function _handlerTarget() internal view override returns (address, bytes4[] memory) {
        return (address(handler), handler.actions());
    }

    /// @notice No grant or revocation changed what another (provider, consumer, type) may read.
    function invariant_aGrantOrRevocationChangesNoOtherRights() public view {
        assertEq(handler.othersChanged(), 0, "a grant or revocation changed another department's rights");
    }

    /// @notice Every (provider, consumer, type) may read exactly what the model of the grants made says.
    function invariant_grantsMatchTheModel() public view {
        for (uint32 p = 1; p <= 2; ++p) {
            for (uint32 c = 1; c <= 3; ++c) {
                for (uint256 t = 0; t < 2; ++t) {
                    bytes32 credentialType = t == 0 ? keccak256("resident-id-card") : keccak256("business-licence");
                    assertEq(
                        grants.mayRead(p, c, credentialType, bytes32(0)),
                        handler.modelMayRead(p, c, credentialType),
                        "mayRead differs from the model"
                    );
                }
            }
        }
    }

    /// @notice Who the operator is: only the operator holds the admin and operator roles, the operator role's admin
    /// is the admin role, a grant needs the operator role, and the registry obeys the manager.
    function invariant_onlyTheOperatorDecidesWhoTheOperatorIs() public view {
        (bool adminIsOperator,) = manager.hasRole(0, operator);
        (bool operatorIsOperator,) = manager.hasRole(OPERATOR_ROLE, operator);
        assertTrue(adminIsOperator && operatorIsOperator, "the operator lost a role");
        address[] memory others = handler.callers();
        for (uint256 i = 0; i < others.length; ++i) {
            (bool admin,) = manager.hasRole(0, others[i]);
            (bool op,) = manager.hasRole(OPERATOR_ROLE, others[i]);
            assertFalse(admin || op, "someone but the operator holds the admin or operator role");
        }
        assertEq(uint256(manager.getRoleAdmin(OPERATOR_ROLE)), 0, "the operator role's admin changed");
        assertEq(uint256(manager.getRoleGuardian(OPERATOR_ROLE)), 0, "the operator role's guardian changed");
        assertEq(
            uint256(manager.getTargetFunctionRole(address(grants), SharingGrantRegistry.grant.selector)),
            uint256(OPERATOR_ROLE),
            "a grant no longer needs the operator role"
        );
        assertTrue(handler.authorityKept(), "the registry obeys another manager");
    }

    /// @notice The handler on a fixed script: grants and revocations are accepted from the operator and refused from an
    /// outsider, and the role calls are refused, so that the invariants above are about something.
    function test_handlerScriptExercisesEveryAction() public {
        handler.grant(0, 2, 0); // the operator: market regulation (consumer 2) may read psb's ID cards (provider 1)
        assertEq(handler.grantsMade(), 1, "the operator's grant");
        assertTrue(grants.mayRead(1, 2, keccak256("resident-id-card"), bytes32(0)), "granted");
        handler.grant(4, 4, 0); // the outsider (caller 4): refused
        assertEq(handler.grantsMade(), 1, "the outsider's grant was refused");
        handler.revoke(1, 2); // psb's signer revokes its own department's grant
        assertFalse(grants.mayRead(1, 2, keccak256("resident-id-card"), bytes32(0)), "revoked");
        assertEq(handler.revocationsMade(), 1, "the data owner's revocation");
        for (uint256 action = 0; action < 7; ++action) handler.callManager(3, action, 0);
        assertEq(handler.roleCallsTried(), 7, "every role call tried");
        invariant_onlyTheOperatorDecidesWhoTheOperatorIs();
        invariant_aGrantOrRevocationChangesNoOtherRights();
        invariant_grantsMatchTheModel();
    }
}
