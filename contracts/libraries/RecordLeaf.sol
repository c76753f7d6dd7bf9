// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICredentialRecordRegistry} from "../interfaces/ICredentialRecordRegistry.sol";

/// @title RecordLeaf
/// @notice The Merkle leaf of a batched record, in OpenZeppelin StandardMerkleTree's double-hashed format, so that
/// proofs made with the OpenZeppelin merkle-tree package (types bytes32, bytes32, uint32, uint64, uint64) verify here.
/// @dev Hashing twice keeps a 64-byte internal node from ever passing for a leaf.
library RecordLeaf {
    function hash(ICredentialRecordRegistry.RecordAnchor calldata record) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(
                    abi.encode(
                        record.recordHash, record.subjectRef, record.credentialType, record.validFrom, record.validUntil
                    )
                )
            )
        );
    }
}
