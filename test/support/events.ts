// Reading events from transaction receipts: the decoded arguments of one contract's events of one name.
import type { ContractTransactionResponse, Interface } from "ethers";
import { expect } from "vitest";

interface EventSource {
  interface: Interface;
  getAddress(): Promise<string>;
}

type Sent = Promise<ContractTransactionResponse> | ContractTransactionResponse;

/** Numbers as bigints and hex strings (addresses included) in lower case, so decoded values equal written ones. */
function comparable(value: unknown): unknown {
  if (typeof value === "number") return BigInt(value);
  if (typeof value === "string" && /^0x[0-9a-fA-F]*$/.test(value)) return value.toLowerCase();
  if (Array.isArray(value)) return value.map(comparable);
  return value;
}

/** The arguments of every `name` event that `contract` emitted in the transaction, in log order. */
export async function eventsOf(tx: Sent, contract: EventSource, name: string): Promise<unknown[][]> {
  if (!contract.interface.getEvent(name)) throw new Error(`the contract's ABI has no event named ${name}`);
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("the transaction has no receipt");
  const address = (await contract.getAddress()).toLowerCase();
  const found: unknown[][] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed?.name === name) found.push(parsed.args.toArray(true));
  }
  return found;
}

/** Asserts that the transaction emitted exactly these `name` events of `contract`, in this order, with these args. */
export async function expectEvents(
  tx: Sent,
  contract: EventSource,
  name: string,
  argsList: readonly (readonly unknown[])[],
): Promise<void> {
  expect(comparable(await eventsOf(tx, contract, name)), `${name} events`).toEqual(comparable(argsList));
}

/** Asserts that the transaction emitted exactly one `name` event of `contract`, with these arguments. */
export async function expectEvent(
  tx: Sent,
  contract: EventSource,
  name: string,
  args: readonly unknown[],
): Promise<void> {
  await expectEvents(tx, contract, name, [args]);
}
