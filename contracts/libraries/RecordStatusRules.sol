// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICredentialRecordRegistry} from "../interfaces/ICredentialRecordRegistry.sol";

/// @title RecordStatusRules
/// @notice The one combined verdict on a record, as a pure function of its stored facts, the issuer's standing and
/// the time. Every check a verifier needs is here, in the order of the RecordStatus enum.
library RecordStatusRules {
    /// @param evidence The record's stored facts (anchoredAt 0 = not anchored).
    /// @param timestamp The time of the check.
    /// @param issuerAuthorised Whether the issuer was authoritative for the type when the record was anchored.
    /// @param issuerSuspended Whether the issuing department is suspended now.
    function decide(
        ICredentialRecordRegistry.RecordEvidence memory evidence,
        uint256 timestamp,
        bool issuerAuthorised,
        bool issuerSuspended
    ) internal pure returns (ICredentialRecordRegistry.RecordStatus) {
        if (evidence.anchoredAt == 0) return ICredentialRecordRegistry.RecordStatus.Unknown;
        if (evidence.revokedAt != 0) return ICredentialRecordRegistry.RecordStatus.Revoked;
        if (evidence.supersededBy != bytes32(0)) return ICredentialRecordRegistry.RecordStatus.Superseded;
        if (!issuerAuthorised) return ICredentialRecordRegistry.RecordStatus.IssuerNotAuthorised;
        if (issuerSuspended) return ICredentialRecordRegistry.RecordStatus.IssuerSuspended;
        if (evidence.validUntil != 0 && timestamp > evidence.validUntil) {
            return ICredentialRecordRegistry.RecordStatus.Expired;
        }
        if (timestamp < evidence.validFrom) return ICredentialRecordRegistry.RecordStatus.NotYetValid;
        return ICredentialRecordRegistry.RecordStatus.Valid;
    }
}
