// Decoding a contract's event logs by their first topic, for a gateway's index, which reads every event of the
// registries when it starts (bench/index.ts: a chain of a million records).
//
// ethers' Interface.parseLog finds a log's event by computing each event's topic hash again, with its JavaScript
// keccak, for every log; and its ABI decoder builds a Result for each, about 80 µs a log. Here each topic is hashed
// once per interface, and an event whose parameters are all of one 32-byte word (bytes32, uintN, intN, address, bool:
// every event the index follows) is read word by word: a topic for each indexed parameter, a word of the data for
// each other, converted as ethers converts them (bigint, checksummed address, boolean, lowercase hex). Any other event,
// and a log whose data is not the length its event's parameters make, goes to ethers' decoder, which also refuses
// what is malformed. test/encoding/eventLogs.test.ts checks the two agree on generated values.
import { type EventFragment, getAddress, type Interface, type Log, type Result } from "ethers";

export interface DecodedEvent {
  name: string;
  /** The event's arguments by name (a Result from ethers' decoder; a plain object from the word-by-word one). */
  args: Result | Record<string, unknown>;
}

const ONE_WORD = /^(bytes32|u?int\d+|address|bool)$/;

type WordReader = (word: string) => unknown;

function readerOf(type: string): WordReader {
  if (type === "bytes32") return (word) => word.toLowerCase();
  if (type === "address") return (word) => getAddress(`0x${word.slice(26)}`);
  if (type === "bool") return (word) => BigInt(word) !== 0n;
  const bits = Number(/\d+$/.exec(type)?.[0] ?? 256);
  // Masked to the type's width, as ethers' decoder masks a word.
  if (type.startsWith("int")) return (word) => BigInt.asIntN(bits, BigInt(word));
  return (word) => BigInt.asUintN(bits, BigInt(word));
}

/** The word-by-word decoder of `fragment`, or undefined when a parameter is not one word. */
function wordDecoder(fragment: EventFragment) {
  if (!fragment.inputs.every((p) => ONE_WORD.test(p.type) && p.name !== "")) return undefined;
  const params = fragment.inputs.map((p) => ({ name: p.name, indexed: p.indexed === true, read: readerOf(p.type) }));
  const dataWords = params.filter((p) => !p.indexed).length;
  const topics = params.length - dataWords + 1;
  return (log: Pick<Log, "topics" | "data">): Record<string, unknown> | undefined => {
    if (log.data.length !== 2 + 64 * dataWords || log.topics.length !== topics) return undefined;
    const args: Record<string, unknown> = {};
    let topic = 1;
    let word = 0;
    for (const p of params) {
      const hex = p.indexed ? (log.topics[topic++] as string) : `0x${log.data.slice(2 + 64 * word, 2 + 64 * ++word)}`;
      args[p.name] = p.read(hex);
    }
    return args;
  };
}

/** A decoder of `iface`'s events: a log's event, by its topic, with its arguments; null for a log of no such event. */
export function eventDecoder(iface: Interface): (log: Pick<Log, "topics" | "data">) => DecodedEvent | null {
  const byTopic = new Map<string, { fragment: EventFragment; words: ReturnType<typeof wordDecoder> }>();
  iface.forEachEvent((fragment) => {
    if (!fragment.anonymous) byTopic.set(fragment.topicHash, { fragment, words: wordDecoder(fragment) });
  });
  return (log) => {
    const event = log.topics[0] === undefined ? undefined : byTopic.get(log.topics[0].toLowerCase());
    if (!event) return null;
    const args = event.words?.(log) ?? iface.decodeEventLog(event.fragment, log.data, log.topics);
    return { name: event.fragment.name, args };
  };
}
