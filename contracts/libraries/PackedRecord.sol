// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice A record's stored facts packed by hand into one word, so that anchoring and revocation each touch the
/// slot exactly once (the compiler splits field-wise struct writes into several read-modify-writes).
/// Layout, low bits first: issuer 32 | credentialType 32 | anchoredAt 40 | validFrom 40 | validUntil 40 |
/// revokedAt 40 | revocationReason 8.
type PackedRecord is uint256;

/// @title PackedRecordLib
/// @notice Packing and unpacking of PackedRecord.
library PackedRecordLib {
    /// @notice The unpacked facts of a record.
    struct Fields {
        uint32 issuer;
        uint32 credentialType;
        uint40 anchoredAt;
        uint40 validFrom;
        uint40 validUntil;
        uint40 revokedAt;
        uint8 revocationReason;
    }

    uint256 private constant _MASK_40 = (1 << 40) - 1;

    function pack(Fields memory f) internal pure returns (PackedRecord) {
        return PackedRecord.wrap(
            uint256(f.issuer) | (uint256(f.credentialType) << 32) | (uint256(f.anchoredAt) << 64)
                | (uint256(f.validFrom) << 104) | (uint256(f.validUntil) << 144) | (uint256(f.revokedAt) << 184)
                | (uint256(f.revocationReason) << 224)
        );
    }

    function unpack(PackedRecord record) internal pure returns (Fields memory f) {
        uint256 word = PackedRecord.unwrap(record);
        f.issuer = uint32(word);
        f.credentialType = uint32(word >> 32);
        f.anchoredAt = uint40(word >> 64);
        f.validFrom = uint40(word >> 104);
        f.validUntil = uint40(word >> 144);
        f.revokedAt = uint40(word >> 184);
        f.revocationReason = uint8(word >> 224);
    }

    function issuer(PackedRecord record) internal pure returns (uint32) {
        return uint32(PackedRecord.unwrap(record));
    }

    function anchoredAt(PackedRecord record) internal pure returns (uint40) {
        return uint40(PackedRecord.unwrap(record) >> 64);
    }

    function revokedAt(PackedRecord record) internal pure returns (uint40) {
        return uint40(PackedRecord.unwrap(record) >> 184);
    }

    /// @notice The same record, revoked at `timestamp` for `reason`.
    function withRevocation(PackedRecord record, uint40 timestamp, uint8 reason) internal pure returns (PackedRecord) {
        uint256 cleared = PackedRecord.unwrap(record) & ~((_MASK_40 << 184) | (uint256(0xff) << 224));
        return PackedRecord.wrap(cleared | (uint256(timestamp) << 184) | (uint256(reason) << 224));
    }
}
