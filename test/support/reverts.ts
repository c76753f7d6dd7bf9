// Revert assertions for contract tests: decodes the revert data with the contract's ABI and compares the custom
// error's name and arguments, rather than matching messages.
import type { Interface } from "ethers";
import { expect } from "vitest";

/** A typed contract (or anything else) that carries the ABI to decode the revert with. */
export interface HasInterface {
  interface: Interface;
}

/** The revert data an ethers or Hardhat error carries, on the error itself or on an error it wraps. */
export function revertData(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { data, error: inner, info, cause } = current as Record<string, unknown>;
    if (typeof data === "string" && data.startsWith("0x")) return data;
    current = inner ?? (info as { error?: unknown } | undefined)?.error ?? cause;
  }
  return undefined;
}

/** Numbers as bigints and hex strings (addresses included) in lower case, so decoded values equal written ones. */
function comparable(value: unknown): unknown {
  if (typeof value === "number") return BigInt(value);
  if (typeof value === "string" && /^0x[0-9a-fA-F]*$/.test(value)) return value.toLowerCase();
  if (Array.isArray(value)) return value.map(comparable);
  return value;
}

/**
 * Awaits `action` and asserts that it reverted with the custom error `name` of `contract`'s ABI (which includes the
 * errors of the libraries the contract uses) and, when `args` are given, with exactly these arguments.
 */
export async function expectRevert(
  action: Promise<unknown>,
  contract: HasInterface,
  name: string,
  args?: readonly unknown[],
): Promise<void> {
  if (!contract.interface.getError(name)) {
    // Settle the action, so that a typo in the name does not leave it to fail later as an unhandled rejection.
    await action.catch(() => undefined);
    throw new Error(`the contract's ABI has no error named ${name}`);
  }
  let reverted = false;
  let failure: unknown;
  try {
    await action;
  } catch (error) {
    reverted = true;
    failure = error;
  }
  if (!reverted) expect.fail(`expected a revert with ${name}, but the call succeeded`);
  const data = revertData(failure);
  if (data === undefined)
    throw new Error(`expected a revert with ${name}, but the error carries no revert data`, { cause: failure });
  const parsed = contract.interface.parseError(data);
  expect(parsed?.name ?? `undecodable revert data ${data}`, "custom error").toBe(name);
  if (parsed && args) expect(comparable(parsed.args.toArray(true)), `arguments of ${name}`).toEqual(comparable(args));
}
