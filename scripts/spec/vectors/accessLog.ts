// Vectors of SPEC.md §7: the access-log entry hash, the chain of entries, and the root of a committed range.
import { canonicalize, type Hex32 } from "../../../lib/encoding/canonical.ts";
import { subjectRef } from "../../../lib/encoding/subjectRef.ts";
import {
  type AccessLogEntry,
  type AccessLogInput,
  accessLogRoot,
  entryHashOf,
  GENESIS_HASH,
} from "../../../services/gateway/src/audit/accessLogEntry.ts";
import { accepted, type Case, refused } from "./cases.ts";
import { DISTRICT_KEY, fixed32, ISSUED_AT_SECONDS, RESIDENT, SHOP } from "./fixtures.ts";

const key = Buffer.from(DISTRICT_KEY.slice(2), "hex");
const person = subjectRef(key, "resident-id", RESIDENT);
const shop = subjectRef(key, "unified-social-credit-code", SHOP);
/** An application id as a gateway mints them: app- and 16 bytes in base64url. */
const application = (n: number) =>
  `app-${Buffer.from(fixed32(`application ${n}`).slice(2, 34), "hex").toString("base64url")}`;

/** One access each way it can end, a minute apart from 10:00 in Beijing on 1 May 2024 (ms in the time). */
const ACCESSES: (AccessLogInput & { at: string })[] = [
  {
    at: new Date((ISSUED_AT_SECONDS + 1800) * 1000 + 123).toISOString(),
    consumer: "tobacco",
    subjectRef: shop,
    credentialType: "business-licence",
    purpose: "open-convenience-store",
    applicationId: application(1),
    outcome: "shared",
    recordHash: fixed32("record business licence"),
  },
  {
    at: new Date((ISSUED_AT_SECONDS + 1860) * 1000).toISOString(),
    consumer: "market-regulation",
    subjectRef: person,
    credentialType: "resident-id-card",
    purpose: "open-convenience-store",
    applicationId: application(2),
    outcome: "evidence-only",
    recordHash: fixed32("record resident id card"),
  },
  {
    at: new Date((ISSUED_AT_SECONDS + 1920) * 1000).toISOString(),
    consumer: "market-regulation",
    subjectRef: person,
    credentialType: "health-certificate",
    purpose: "open-convenience-store",
    applicationId: application(2),
    outcome: "not-found",
  },
  {
    at: new Date((ISSUED_AT_SECONDS + 1980) * 1000).toISOString(),
    consumer: "tobacco",
    subjectRef: person,
    credentialType: "resident-id-card",
    purpose: "-",
    applicationId: application(3),
    outcome: "denied",
  },
];

/** The log the accesses make, chained from the zero hash as a gateway appends it. */
export function chained(accesses: readonly (AccessLogInput & { at: string })[]): AccessLogEntry[] {
  const entries: AccessLogEntry[] = [];
  let prevHash: Hex32 = GENESIS_HASH;
  for (const [i, { at, recordHash, ...access }] of accesses.entries()) {
    const content = { seq: i + 1, at, ...access, ...(recordHash ? { recordHash } : {}), prevHash };
    const entry = { ...content, entryHash: entryHashOf(content) };
    entries.push(entry);
    prevHash = entry.entryHash;
  }
  return entries;
}

export function accessLogEntryCases(): Case[] {
  const log = chained(ACCESSES);
  const names = [
    "the first entry (seq 1, previous hash zero), data shared",
    "evidence only",
    "not found: no recordHash member",
    "denied, for a purpose that was no scenario (written -)",
  ];
  const cases = log.map(({ entryHash: _, ...content }, i) =>
    accepted(names[i] as string, { entry: content }, () => ({
      canonical: canonicalize(content),
      entryHash: entryHashOf(content),
    })),
  );
  const { entryHash: _, ...first } = log[0] as AccessLogEntry;
  const withHash = { ...first, entryHash: fixed32("not this entry's hash") };
  return [
    ...cases,
    accepted("an entryHash member is left out of the hash", { entry: withHash }, () => ({
      canonical: canonicalize(first),
      entryHash: entryHashOf(withHash),
    })),
  ];
}

export function accessLogChainCases(): Case[] {
  return [
    accepted("four accesses appended to an empty log", { accesses: ACCESSES }, () => ({ entries: chained(ACCESSES) })),
    accepted("the first access alone", { accesses: ACCESSES.slice(0, 1) }, () => ({
      entries: chained(ACCESSES.slice(0, 1)),
    })),
  ];
}

export function accessLogTreeCases(): Case[] {
  const hashes = chained(ACCESSES).map((e) => e.entryHash);
  const range = (from: number, to: number) => hashes.slice(from - 1, to);
  const cases: [string, Hex32[]][] = [
    ["a range of one entry (1..1)", range(1, 1)],
    ["a range of two entries (1..2)", range(1, 2)],
    ["a range of three entries (2..4)", range(2, 4)],
    ["the whole log (1..4)", range(1, 4)],
    ["the whole log listed in reverse: the same root (leaves are sorted)", [...range(1, 4)].reverse()],
  ];
  return [
    ...cases.map(([name, entryHashes]) =>
      accepted(name, { entryHashes }, () => ({ root: accessLogRoot(entryHashes) })),
    ),
    refused("an empty range has no root", { entryHashes: [] }, () => accessLogRoot([])),
  ];
}
