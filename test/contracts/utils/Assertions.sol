// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Assertions
/// @notice Tiny assertion helpers for the Solidity tests (forge-std is not a dependency): each reverts with a
/// message naming what differed, so the runner reports the failure and the fuzzer can shrink to it.
abstract contract Assertions {
    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert(message);
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) revert(message);
    }

    function assertEq(uint256 actual, uint256 expected, string memory message) internal pure {
        if (actual != expected) revert(_diff(message, _toString(actual), _toString(expected)));
    }

    function assertEq(bytes32 actual, bytes32 expected, string memory message) internal pure {
        if (actual != expected) revert(_diff(message, _toHex(actual), _toHex(expected)));
    }

    function assertEq(address actual, address expected, string memory message) internal pure {
        if (actual != expected) {
            revert(_diff(message, _toHex(bytes32(uint256(uint160(actual)))), _toHex(bytes32(uint256(uint160(expected))))));
        }
    }

    function assertEq(bool actual, bool expected, string memory message) internal pure {
        if (actual != expected) revert(_diff(message, actual ? "true" : "false", expected ? "true" : "false"));
    }

    /// @notice `x` mapped into [min, max] (inclusive), spreading fuzzed values evenly and keeping small ones as
    /// they are, so the fuzzer's edge values (0, 1, max) land on the range's edges.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    function _diff(string memory message, string memory actual, string memory expected)
        private
        pure
        returns (string memory)
    {
        return string.concat(message, ": got ", actual, ", expected ", expected);
    }

    function _toString(uint256 value) private pure returns (string memory) {
        if (value == 0) return "0";
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) ++digits;
        bytes memory out = new bytes(digits);
        for (; value != 0; value /= 10) out[--digits] = bytes1(uint8(48 + (value % 10)));
        return string(out);
    }

    function _toHex(bytes32 value) private pure returns (string memory) {
        bytes16 symbols = "0123456789abcdef";
        bytes memory out = new bytes(66);
        out[0] = "0";
        out[1] = "x";
        for (uint256 i = 0; i < 32; ++i) {
            out[2 + 2 * i] = symbols[uint8(value[i]) >> 4];
            out[3 + 2 * i] = symbols[uint8(value[i]) & 0x0f];
        }
        return string(out);
    }
}
