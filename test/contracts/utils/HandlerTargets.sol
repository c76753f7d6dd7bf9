// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title HandlerTargets
/// @notice What an invariant test tells the fuzzer: only its handler is called, and only through the handler's actions.
abstract contract HandlerTargets {
    /// @dev The shape the runner reads from targetSelectors() (Foundry's StdInvariant.FuzzSelector).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    /// @dev The handler, and the selectors of its actions.
    function _handlerTarget() internal view virtual returns (address handler, bytes4[] memory actions);

    /// @notice Only the handler is fuzzed...
    function targetContracts() public view returns (address[] memory targets) {
        (address handler,) = _handlerTarget();
        targets = new address[](1);
        targets[0] = handler;
    }

    /// @notice ...and only through its actions.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        (address handler, bytes4[] memory actions) = _handlerTarget();
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: handler, selectors: actions});
    }
}
