// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICredentialRecordRegistry} from "../../../contracts/interfaces/ICredentialRecordRegistry.sol";

/// @title RecordStatusReference
/// @notice An independent statement of the status rules, for the fuzz tests to compare RecordStatusRules.decide and
/// CredentialRecordRegistry.recordStatus against: each RecordStatus names a check, the checks are listed in enum
/// order, and the first that holds is the verdict (Valid always holds). validUntil is the last valid second (0 = no
/// expiry), validFrom the first.
abstract contract RecordStatusReference {
    function _referenceStatus(
        ICredentialRecordRegistry.RecordEvidence memory e,
        uint256 time,
        bool issuerAuthorised,
        bool issuerSuspended
    ) internal pure returns (ICredentialRecordRegistry.RecordStatus) {
        bool[8] memory holds = [
            e.anchoredAt == 0, // Unknown
            e.revokedAt > 0, // Revoked
            e.supersededBy != bytes32(0), // Superseded
            !issuerAuthorised, // IssuerNotAuthorised
            issuerSuspended, // IssuerSuspended
            e.validUntil > 0 && time > e.validUntil, // Expired
            time < e.validFrom, // NotYetValid
            true // Valid
        ];
        uint256 i = 0;
        while (!holds[i]) ++i;
        return ICredentialRecordRegistry.RecordStatus(i);
    }
}
