// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {PackedRecord, PackedRecordLib} from "../../contracts/libraries/PackedRecord.sol";
import {Assertions} from "./utils/Assertions.sol";

/// @title PackedRecordTest
/// @notice PackedRecord's hand-packed word: every field round-trips, each lives in its documented bits, and
/// withRevocation changes the revocation fields and nothing else.
contract PackedRecordTest is Assertions {
    using PackedRecordLib for PackedRecord;

    /// @dev Layout, low bits first: issuer 32 | credentialType 32 | anchoredAt 40 | validFrom 40 | validUntil 40 |
    /// revokedAt 40 | revocationReason 8 = 232 bits; bits 232..255 are unused.
    uint256 private constant _USED = (1 << 232) - 1;
    uint256 private constant _REVOCATION = (((1 << 40) - 1) << 184) | (uint256(0xff) << 224);

    /// forge-config: default.fuzz.runs = 512
    function testFuzz_packThenUnpackRoundTrips(PackedRecordLib.Fields memory f) public pure {
        _assertFields(PackedRecordLib.pack(f).unpack(), f, "round trip");
    }

    /// @notice Each field sits in exactly its documented bit range, so no field can spill into another.
    function testFuzz_packPlacesEachFieldInItsBits(PackedRecordLib.Fields memory f) public pure {
        uint256 word = PackedRecord.unwrap(PackedRecordLib.pack(f));
        assertEq(word & ~_USED, 0, "bits above 232 set");
        assertEq(word & type(uint32).max, f.issuer, "issuer bits 0..31");
        assertEq((word >> 32) & type(uint32).max, f.credentialType, "credentialType bits 32..63");
        assertEq((word >> 64) & type(uint40).max, f.anchoredAt, "anchoredAt bits 64..103");
        assertEq((word >> 104) & type(uint40).max, f.validFrom, "validFrom bits 104..143");
        assertEq((word >> 144) & type(uint40).max, f.validUntil, "validUntil bits 144..183");
        assertEq((word >> 184) & type(uint40).max, f.revokedAt, "revokedAt bits 184..223");
        assertEq((word >> 224) & type(uint8).max, f.revocationReason, "revocationReason bits 224..231");
    }

    /// @notice Any word unpacks and repacks to its 232 used bits.
    /// forge-config: default.fuzz.runs = 512
    function testFuzz_unpackThenPackKeepsTheUsedBits(uint256 word) public pure {
        uint256 repacked = PackedRecord.unwrap(PackedRecordLib.pack(PackedRecord.wrap(word).unpack()));
        assertEq(repacked, word & _USED, "repacked word");
    }

    /// @notice The single-field readers agree with unpack.
    function testFuzz_accessorsAgreeWithUnpack(uint256 word) public pure {
        PackedRecord r = PackedRecord.wrap(word);
        PackedRecordLib.Fields memory f = r.unpack();
        assertEq(r.issuer(), f.issuer, "issuer()");
        assertEq(r.anchoredAt(), f.anchoredAt, "anchoredAt()");
        assertEq(r.revokedAt(), f.revokedAt, "revokedAt()");
    }

    /// @notice withRevocation sets revokedAt and revocationReason and leaves every other bit of the word as it was
    /// (the unused top bits included).
    /// forge-config: default.fuzz.runs = 512
    function testFuzz_withRevocationTouchesOnlyItsFields(uint256 word, uint40 timestamp, uint8 reason) public pure {
        PackedRecord before = PackedRecord.wrap(word);
        PackedRecord revoked = before.withRevocation(timestamp, reason);
        uint256 after_ = PackedRecord.unwrap(revoked);
        assertEq(after_ & ~_REVOCATION, word & ~_REVOCATION, "bits outside the revocation fields changed");

        PackedRecordLib.Fields memory want = before.unpack();
        want.revokedAt = timestamp;
        want.revocationReason = reason;
        _assertFields(revoked.unpack(), want, "withRevocation");
        assertEq(revoked.revokedAt(), timestamp, "revokedAt()");
    }

    /// @notice On a packed record: the other six fields are the ones it was packed with.
    function testFuzz_withRevocationOnAPackedRecord(PackedRecordLib.Fields memory f, uint40 timestamp, uint8 reason)
        public
        pure
    {
        PackedRecordLib.Fields memory got = PackedRecordLib.pack(f).withRevocation(timestamp, reason).unpack();
        f.revokedAt = timestamp;
        f.revocationReason = reason;
        _assertFields(got, f, "packed then revoked");
    }

    /// @notice A second revocation overwrites the first completely (no bits of the first survive).
    function testFuzz_lastRevocationWins(uint256 word, uint40 t1, uint8 r1, uint40 t2, uint8 r2) public pure {
        PackedRecord r = PackedRecord.wrap(word);
        assertEq(
            PackedRecord.unwrap(r.withRevocation(t1, r1).withRevocation(t2, r2)),
            PackedRecord.unwrap(r.withRevocation(t2, r2)),
            "second revocation"
        );
    }

    function _assertFields(
        PackedRecordLib.Fields memory got,
        PackedRecordLib.Fields memory want,
        string memory context
    ) private pure {
        assertEq(got.issuer, want.issuer, string.concat(context, ": issuer"));
        assertEq(got.credentialType, want.credentialType, string.concat(context, ": credentialType"));
        assertEq(got.anchoredAt, want.anchoredAt, string.concat(context, ": anchoredAt"));
        assertEq(got.validFrom, want.validFrom, string.concat(context, ": validFrom"));
        assertEq(got.validUntil, want.validUntil, string.concat(context, ": validUntil"));
        assertEq(got.revokedAt, want.revokedAt, string.concat(context, ": revokedAt"));
        assertEq(got.revocationReason, want.revocationReason, string.concat(context, ": revocationReason"));
    }
}
