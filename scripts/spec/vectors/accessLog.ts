// Vectors of SPEC.md §7: the access-log entry hash, the chain of entries, and the root of a committed range.

import {
  type AccessLogEntry,
  type AccessLogInput,
  accessLogRoot,
  entryHashOf,
  GENESIS_HASH,
} from "../../../lib/audit/accessLogEntry.ts";
import { canonicalize, type Hex32 } from "../../../lib/encoding/canonical.ts";
import { subjectRef } from "../../../lib/encoding/subjectRef.ts";
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
    channel: "peer",
    consumer: "tobacco",
    subjectRef: shop,
    credentialType: "business-licence",
    purpose: "open-convenience-store",
    applicationId: application(1),
    outcome: "shared",
    recordHash: fixed32("record business licence"),
    fields: ["name", "domicile", "businessTermUntil"],
  },
  {
    at: new Date((ISSUED_AT_SECONDS + 1860) * 1000).toISOString(),
    channel: "peer",
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
    channel: "peer",
    consumer: "market-regulation",
    subjectRef: person,
    credentialType: "health-certificate",
    purpose: "open-convenience-store",
    applicationId: application(2),
    outcome: "not-found",
  },
  {
    at: new Date((ISSUED_AT_SECONDS + 1980) * 1000).toISOString(),
    channel: "peer",
    consumer: "tobacco",
    subjectRef: person,
    credentialType: "resident-id-card",
    purpose: "-",
    applicationId: application(3),
    outcome: "denied",
  },
  {
    at: new Date((ISSUED_AT_SECONDS + 2040) * 1000).toISOString(),
    channel: "peer",
    outcome: "refused",
    reason: "FEDERATION_REPLAYED",
    consumer: "tax",
    subjectRef: person,
    credentialType: "resident-id-card",
    purpose: "open-convenience-store",
    applicationId: application(4),
  },
  {
    at: new Date((ISSUED_AT_SECONDS + 2100) * 1000).toISOString(),
    channel: "peer",
    outcome: "refused",
    reason: "FEDERATION_SIGNATURE_INVALID",
  },
  {
    at: new Date((ISSUED_AT_SECONDS + 2160) * 1000).toISOString(),
    channel: "api",
    outcome: "read",
    consumer: "psb",
    keyId: "0123456789ab",
    role: "auditor",
    subjectRef: person,
    credentialType: "resident-id-card",
    recordHash: fixed32("record resident id card"),
  },
];

/** The log the accesses make, chained from the zero hash as a gateway appends it. */
export function chained(accesses: readonly (AccessLogInput & { at: string })[]): AccessLogEntry[] {
  const entries: AccessLogEntry[] = [];
  let prevHash: Hex32 = GENESIS_HASH;
  for (const [i, access] of accesses.entries()) {
    const content = { seq: i + 1, ...access, prevHash } as Omit<AccessLogEntry, "entryHash">;
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
    "a peer request refused as replayed, with what it claimed",
    "a peer request refused before anything it claimed could be read: no consumer, no subject",
    "a record read through the department's own API, by an auditor key",
  ];
  const cases = log.map(({ entryHash: _, ...content }, i) =>
    accepted(names[i] as string, { entry: content }, () => ({
      canonical: canonicalize(content),
      entryHash: entryHashOf(content),
    })),
  );
  const { entryHash: _, ...first } = log[0] as AccessLogEntry;
  const withHash = { ...first, entryHash: fixed32("not this entry's hash") };
  // Written before entries had a channel: a peer query with every member but `channel`, hashed as it was then.
  const { channel: _channel, ...legacy } = log[1] as AccessLogEntry;
  const { entryHash: _legacyHash, ...legacyContent } = legacy;
  return [
    ...cases,
    accepted("an entry written before channels were logged: no channel member", { entry: legacyContent }, () => ({
      canonical: canonicalize(legacyContent),
      entryHash: entryHashOf(legacyContent),
    })),
    accepted("an entryHash member is left out of the hash", { entry: withHash }, () => ({
      canonical: canonicalize(first),
      entryHash: entryHashOf(withHash),
    })),
  ];
}

export function accessLogChainCases(): Case[] {
  return [
    accepted("seven accesses appended to an empty log", { accesses: ACCESSES }, () => ({ entries: chained(ACCESSES) })),
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
    ["the whole log (1..7)", range(1, 7)],
    ["the whole log listed in reverse: the same root (leaves are sorted)", [...range(1, 7)].reverse()],
  ];
  return [
    ...cases.map(([name, entryHashes]) =>
      accepted(name, { entryHashes }, () => ({ root: accessLogRoot(entryHashes) })),
    ),
    refused("an empty range has no root", { entryHashes: [] }, () => accessLogRoot([])),
  ];
}
