// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessLogRegistry} from "../../../contracts/AccessLogRegistry.sol";
import {CredentialRecordRegistry} from "../../../contracts/CredentialRecordRegistry.sol";
import {CredentialTypeRegistry} from "../../../contracts/CredentialTypeRegistry.sol";
import {DepartmentRegistry} from "../../../contracts/DepartmentRegistry.sol";
import {RegistryDirectory} from "../../../contracts/RegistryDirectory.sol";
import {ScenarioRegistry} from "../../../contracts/ScenarioRegistry.sol";
import {SharingGrantRegistry} from "../../../contracts/SharingGrantRegistry.sol";
import {DistrictAccessManager} from "../../../contracts/access/DistrictAccessManager.sol";
import {IAccessLogRegistry} from "../../../contracts/interfaces/IAccessLogRegistry.sol";
import {Assertions} from "./Assertions.sol";
import {vm} from "./Vm.sol";

/// @title RegistrySetup
/// @notice The Solidity twin of lib/chain/registries.ts `deployRegistries` plus a small catalogue: the test contract
/// is the deployer, hence the AccessManager's admin and the operator (OPERATOR_ROLE), and the type registry holds
/// CATALOGUE_ROLE, the only role that may call DepartmentRegistry.setIssuerRole.
/// Departments: psb (1, two signers), market-regulation (2), tobacco (3). Types: resident-id-card (1, issuer psb),
/// business-licence (2, issuer market-regulation). Nobody is suspended.
abstract contract RegistrySetup is Assertions {
    uint64 internal constant OPERATOR_ROLE = 1;
    uint64 internal constant CATALOGUE_ROLE = 2;

    /// @notice 2026-01-01T00:00:00Z: the clock the fixture is deployed at (the runner's default timestamp is 1).
    uint256 internal constant START_TIME = 1_767_225_600;

    uint256 internal constant PSB_KEY = 0xA11CE;
    uint256 internal constant PSB_KEY_2 = 0xA11CE2;
    uint256 internal constant MARKET_KEY = 0xB0B;
    uint256 internal constant TOBACCO_KEY = 0xC0FFEE;
    uint256 internal constant OUTSIDER_KEY = 0xBAD;

    uint32 internal constant PSB = 1;
    uint32 internal constant MARKET = 2;
    uint32 internal constant TOBACCO = 3;
    uint32 internal constant RESIDENT_ID = 1;
    uint32 internal constant BUSINESS_LICENCE = 2;

    bytes32 internal constant SCHEMA_HASH = keccak256("schema of the fixture types");

    DistrictAccessManager internal manager;
    DepartmentRegistry internal departments;
    CredentialTypeRegistry internal types;
    CredentialRecordRegistry internal records;
    ScenarioRegistry internal scenarios;
    SharingGrantRegistry internal grants;
    AccessLogRegistry internal accessLog;
    RegistryDirectory internal directory;

    address internal operator;
    address internal psbSigner;
    address internal psbSigner2;
    address internal marketSigner;
    address internal tobaccoSigner;
    address internal outsider;

    /// @notice Deploys and wires the registries at START_TIME and registers the fixture catalogue.
    function _setUpRegistries() internal {
        vm.warp(START_TIME);
        _deployRegistries();
        _registerFixtureCatalogue();
    }

    /// @notice Exactly what registries.ts `deployRegistries(deployer)` does, with this contract as the deployer.
    function _deployRegistries() internal {
        operator = address(this);
        manager = new DistrictAccessManager(operator);
        address auth = address(manager);
        departments = new DepartmentRegistry(auth);
        types = new CredentialTypeRegistry(auth, departments);
        records = new CredentialRecordRegistry(auth, departments, types);
        scenarios = new ScenarioRegistry(auth, departments, types);
        grants = new SharingGrantRegistry(auth, departments, types, scenarios);
        accessLog = new AccessLogRegistry(auth, departments, IAccessLogRegistry(address(0)));
        directory = new RegistryDirectory(auth);

        bytes4[] memory departmentOps = new bytes4[](7);
        departmentOps[0] = DepartmentRegistry.registerDepartment.selector;
        departmentOps[1] = DepartmentRegistry.addSigner.selector;
        departmentOps[2] = DepartmentRegistry.removeSigner.selector;
        departmentOps[3] = DepartmentRegistry.rotateSigner.selector;
        departmentOps[4] = DepartmentRegistry.setEndpoint.selector;
        departmentOps[5] = DepartmentRegistry.suspendDepartment.selector;
        departmentOps[6] = DepartmentRegistry.reinstateDepartment.selector;
        manager.setTargetFunctionRole(address(departments), departmentOps, OPERATOR_ROLE);

        bytes4[] memory catalogueOps = new bytes4[](1);
        catalogueOps[0] = DepartmentRegistry.setIssuerRole.selector;
        manager.setTargetFunctionRole(address(departments), catalogueOps, CATALOGUE_ROLE);

        bytes4[] memory typeOps = new bytes4[](5);
        typeOps[0] = CredentialTypeRegistry.registerType.selector;
        typeOps[1] = CredentialTypeRegistry.registerVersion.selector;
        typeOps[2] = CredentialTypeRegistry.deprecateType.selector;
        typeOps[3] = CredentialTypeRegistry.authoriseIssuer.selector;
        typeOps[4] = CredentialTypeRegistry.revokeIssuer.selector;
        manager.setTargetFunctionRole(address(types), typeOps, OPERATOR_ROLE);

        bytes4[] memory scenarioOps = new bytes4[](3);
        scenarioOps[0] = ScenarioRegistry.registerScenario.selector;
        scenarioOps[1] = ScenarioRegistry.registerScenarioVersion.selector;
        scenarioOps[2] = ScenarioRegistry.retireScenario.selector;
        manager.setTargetFunctionRole(address(scenarios), scenarioOps, OPERATOR_ROLE);

        bytes4[] memory grantOps = new bytes4[](2);
        grantOps[0] = SharingGrantRegistry.grant.selector;
        grantOps[1] = SharingGrantRegistry.revokeGrant.selector;
        manager.setTargetFunctionRole(address(grants), grantOps, OPERATOR_ROLE);

        bytes4[] memory accessLogOps = new bytes4[](1);
        accessLogOps[0] = AccessLogRegistry.rejectCommitments.selector;
        manager.setTargetFunctionRole(address(accessLog), accessLogOps, OPERATOR_ROLE);

        bytes4[] memory directoryOps = new bytes4[](1);
        directoryOps[0] = RegistryDirectory.setRegistry.selector;
        manager.setTargetFunctionRole(address(directory), directoryOps, OPERATOR_ROLE);

        manager.labelRole(OPERATOR_ROLE, "OPERATOR");
        manager.labelRole(CATALOGUE_ROLE, "CATALOGUE");
        manager.grantRole(CATALOGUE_ROLE, address(types), 0);
        manager.grantRole(OPERATOR_ROLE, operator, 0);

        directory.setRegistry(keccak256("DepartmentRegistry"), address(departments));
        directory.setRegistry(keccak256("CredentialTypeRegistry"), address(types));
        directory.setRegistry(keccak256("CredentialRecordRegistry"), address(records));
        directory.setRegistry(keccak256("ScenarioRegistry"), address(scenarios));
        directory.setRegistry(keccak256("SharingGrantRegistry"), address(grants));
        directory.setRegistry(keccak256("AccessLogRegistry"), address(accessLog));

        vm.label(address(manager), "DistrictAccessManager");
        vm.label(address(departments), "DepartmentRegistry");
        vm.label(address(types), "CredentialTypeRegistry");
        vm.label(address(records), "CredentialRecordRegistry");
        vm.label(address(accessLog), "AccessLogRegistry");
    }

    /// @notice Departments psb (1), market-regulation (2), tobacco (3) and types resident-id-card (1, psb),
    /// business-licence (2, market-regulation), registered by the operator.
    function _registerFixtureCatalogue() internal {
        _setActors();

        address[] memory psbKeys = new address[](2);
        psbKeys[0] = psbSigner;
        psbKeys[1] = psbSigner2;
        assertEq(departments.registerDepartment("psb", unicode"区公安分局", "Public Security", "", psbKeys), PSB, "psb id");
        assertEq(
            departments.registerDepartment(
                "market-regulation", unicode"区市场监管局", "Market Regulation", "", _one(marketSigner)
            ),
            MARKET,
            "market id"
        );
        assertEq(
            departments.registerDepartment("tobacco", unicode"区烟草专卖局", "Tobacco Monopoly", "", _one(tobaccoSigner)),
            TOBACCO,
            "tobacco id"
        );

        uint32[] memory psbOnly = new uint32[](1);
        psbOnly[0] = PSB;
        assertEq(
            types.registerType("resident-id-card", unicode"居民身份证", "Resident ID card", SCHEMA_HASH, 0, psbOnly),
            RESIDENT_ID,
            "resident-id-card id"
        );
        uint32[] memory marketOnly = new uint32[](1);
        marketOnly[0] = MARKET;
        assertEq(
            types.registerType(
                "business-licence", unicode"营业执照", "Business licence", SCHEMA_HASH, 365 days, marketOnly
            ),
            BUSINESS_LICENCE,
            "business-licence id"
        );
    }

    /// @notice The fixture's key addresses, labelled for traces.
    function _setActors() internal {
        psbSigner = vm.addr(PSB_KEY);
        psbSigner2 = vm.addr(PSB_KEY_2);
        marketSigner = vm.addr(MARKET_KEY);
        tobaccoSigner = vm.addr(TOBACCO_KEY);
        outsider = vm.addr(OUTSIDER_KEY);
        vm.label(psbSigner, "psbSigner");
        vm.label(psbSigner2, "psbSigner2");
        vm.label(marketSigner, "marketSigner");
        vm.label(tobaccoSigner, "tobaccoSigner");
        vm.label(outsider, "outsider");
    }

    /// @notice The department a fixture key signs for (0 for the outsider), as the fixture registered it.
    function _departmentOfKey(uint256 key) internal pure returns (uint32) {
        if (key == PSB_KEY || key == PSB_KEY_2) return PSB;
        if (key == MARKET_KEY) return MARKET;
        if (key == TOBACCO_KEY) return TOBACCO;
        return 0;
    }

    function _one(address account) private pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = account;
    }
}
