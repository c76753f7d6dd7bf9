// lib/chain/eventLogs.ts decodes the registries' events word by word where it can, and with ethers where it cannot:
// on generated values, every event of every registry the gateway reads decodes to what ethers' decoder gives.
import { type EventFragment, type Interface, type ParamType, toBeHex } from "ethers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventDecoder } from "../../lib/chain/eventLogs.ts";
import {
  AccessLogRegistry__factory,
  CredentialRecordRegistry__factory,
  DepartmentRegistry__factory,
  RegistryDirectory__factory,
} from "../../types/ethers-contracts/index.ts";

const INTERFACES: [string, Interface][] = [
  ["CredentialRecordRegistry", CredentialRecordRegistry__factory.createInterface()],
  ["DepartmentRegistry", DepartmentRegistry__factory.createInterface()],
  ["RegistryDirectory", RegistryDirectory__factory.createInterface()],
  ["AccessLogRegistry", AccessLogRegistry__factory.createInterface()],
];

function arbitraryOf(param: ParamType): fc.Arbitrary<unknown> {
  const bits = Number(/\d+$/.exec(param.type)?.[0] ?? 256);
  if (param.type === "bytes32")
    return fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => toBeHex(BigInt(`0x${Buffer.from(b).toString("hex") || "0"}`), 32));
  if (param.type === "address")
    return fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
  if (param.type === "bool") return fc.boolean();
  if (param.type.startsWith("uint")) return fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
  if (param.type.startsWith("int"))
    return fc.bigInt({ min: -(1n << BigInt(bits - 1)), max: (1n << BigInt(bits - 1)) - 1n });
  if (param.type === "string") return fc.string({ maxLength: 40 });
  if (param.type === "bytes") return fc.uint8Array({ maxLength: 40 }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
  if (param.type === "bytes32[]") return fc.array(arbitraryOf(param.arrayChildren as ParamType), { maxLength: 3 });
  throw new Error(`no generator for ${param.type}`);
}

/** What ethers gives for an argument, as plain values: Results as arrays. */
const plain = (value: unknown): unknown =>
  Array.isArray(value) ? [...value].map(plain) : typeof value === "string" ? value : value;

describe("eventDecoder", () => {
  for (const [name, iface] of INTERFACES) {
    const events: EventFragment[] = [];
    iface.forEachEvent((fragment) => events.push(fragment));
    it(`decodes each of ${name}'s ${events.length} events as ethers' decoder does`, () => {
      const decode = eventDecoder(iface);
      for (const fragment of events) {
        fc.assert(
          fc.property(fc.tuple(...fragment.inputs.map(arbitraryOf)), (values) => {
            const { data, topics } = iface.encodeEventLog(fragment, values);
            const ours = decode({ data, topics });
            const theirs = iface.decodeEventLog(fragment, data, topics);
            expect(ours?.name).toBe(fragment.name);
            for (const input of fragment.inputs) {
              expect(
                plain((ours?.args as Record<string, unknown> | undefined)?.[input.name]),
                `${fragment.name}.${input.name}`,
              ).toEqual(plain(theirs[input.name]));
            }
          }),
          { numRuns: 200 },
        );
      }
    });
  }

  it("answers null for a log of no event of its interface, and leaves a log whose data is not its event's length to ethers' decoder", () => {
    const iface = CredentialRecordRegistry__factory.createInterface();
    const decode = eventDecoder(iface);
    expect(decode({ topics: [`0x${"ab".repeat(32)}`], data: "0x" })).toBeNull();
    const fragment = iface.getEvent("CredentialRevoked") as EventFragment;
    const { data, topics } = iface.encodeEventLog(fragment, [`0x${"11".repeat(32)}`, 7, 3]);
    // A word with bits above its type's width (uint8 here): masked, as ethers masks it.
    const dirty = `0x${"ff".repeat(31)}03`;
    const dirtyOurs = decode({ topics, data: dirty })?.args as Record<string, unknown>;
    expect(dirtyOurs.reason).toBe(iface.decodeEventLog(fragment, dirty, topics).reason);
    expect(dirtyOurs.reason).toBe(3n);
    // One byte too many: not read word by word, but as ethers reads it.
    const ours = decode({ topics, data: `${data}00` })?.args as Record<string, unknown>;
    const theirs = iface.decodeEventLog(fragment, `${data}00`, topics);
    expect(Object.getPrototypeOf(ours)).not.toBe(Object.prototype);
    expect([ours.recordHash, ours.issuer, ours.reason]).toEqual([theirs.recordHash, theirs.issuer, theirs.reason]);
  });
});
