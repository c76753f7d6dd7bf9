// What a person presents to the verifier, read and checked in the browser with the rules the gateway runs: a record
// (alone, or as the gateway gives it, with its hash and batch anchor), a disclosure (alone, or as the self-service
// route gives it), or a disclosure's QR code text (SPEC §3.6). Nothing of the record leaves the browser: the chain is
// asked only about its hash and its anchor's public values (SPEC §3.5).
import type { z } from "zod";
import { CanonicalFormError, type Hex32 } from "../../../lib/encoding/canonical.ts";
import { firstRefusedMember } from "../../../lib/encoding/duplicateMembers.ts";
import { verifyRecordProof } from "../../../lib/encoding/recordLeaf.ts";
import {
  DISCLOSURE_CODE_MAX_BYTES,
  DISCLOSURE_CODE_PREFIX,
  DisclosureCodeError,
  disclosureCodeBytes,
  disclosureCodeUtf8,
} from "../../../lib/records/disclosureCodeForm.ts";
import { fieldCountBounds } from "../../../lib/records/fieldTree.ts";
import {
  batchAnchorSchema,
  canonicalRecordSchema,
  disclosureSchema,
  hex32,
} from "../../../services/gateway/src/http/schemas.ts";
import { anchorOf, type CanonicalRecord, recordHashOf } from "../../../services/gateway/src/records/canonicalRecord.ts";
import { DisclosureError, provenRecordHash } from "../../../services/gateway/src/records/disclosure.ts";

export type Disclosure = z.output<typeof disclosureSchema>;
type BatchAnchor = { batchRoot: Hex32; proof: Hex32[] };

/** Why what was presented cannot be checked at all, and where (a member path, or "text"). */
export class UnreadableError extends Error {
  override name = "UnreadableError";
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(message);
  }
}

export type Presented =
  | { kind: "record"; record: CanonicalRecord; claimedHash?: Hex32; anchor?: BatchAnchor }
  | { kind: "disclosure"; disclosure: Disclosure };

/** What the browser found, before the chain is asked. */
export interface BrowserCheck {
  kind: Presented["kind"];
  /** The hash computed here: the record's (format 1 or 2), or the disclosure's envelope's. */
  recordHash: Hex32;
  issuer: string;
  issuerId: number;
  credentialType: string;
  format: string;
  /** Present when the file does not hold: the member that does not ("record", "envelope", "fields.<name>"). */
  altered?: { where: string; detail: string };
  /** For a batched record: whether its leaf and proof fold to the batch root, computed here. */
  batch?: { root: Hex32; proofNodes: number; holds: boolean };
  /** For a disclosure: the fields shown, and roughly how many the record has. */
  disclosed?: { names: string[]; fields?: { fewest: number; most: number } };
  /** What to ask the chain: the hash and the anchor's public values. */
  statusQuery: {
    recordHash: Hex32;
    issuerId: number;
    leaf?: { subjectRef: Hex32; credentialType: number; validFrom: number; validUntil: number };
    anchor?: BatchAnchor;
  };
}

/** JSON text to a value, refusing what readers disagree about (SPEC §2.2): __proto__, a member named twice. */
function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UnreadableError("text", `not JSON: ${(error as Error).message}`);
  }
  const refused = firstRefusedMember(text);
  if (refused) throw new UnreadableError(refused.path.join(".") || "text", `a member is ${refused.why}`);
  return value;
}

/** The JSON a disclosure's code carries, read as the audit CLI reads it, inflated by the browser's DecompressionStream. */
export async function codeText(code: string): Promise<string> {
  let deflated: Uint8Array;
  try {
    deflated = disclosureCodeBytes(code);
  } catch (error) {
    if (error instanceof DisclosureCodeError) throw new UnreadableError("text", error.message);
    throw error;
  }
  const stream = new Blob([deflated as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream("deflate"));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      size += part.value.length;
      if (size > DISCLOSURE_CODE_MAX_BYTES) {
        await reader.cancel();
        throw new UnreadableError("text", `the code inflates to more than ${DISCLOSURE_CODE_MAX_BYTES} bytes`);
      }
      chunks.push(part.value);
    }
  } catch (error) {
    if (error instanceof UnreadableError) throw error;
    throw new UnreadableError("text", "its bytes are not zlib-deflated data (RFC 1950)");
  }
  const json = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    json.set(chunk, at);
    at += chunk.length;
  }
  try {
    return disclosureCodeUtf8(json);
  } catch (error) {
    if (error instanceof DisclosureCodeError) throw new UnreadableError("text", error.message);
    throw error;
  }
}

function shaped<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join(".");
  throw new UnreadableError(where || prefix, issue?.message ?? "is not of the expected form");
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads pasted text, a file's text or a scanned code into what it presents. */
export async function readPresented(input: string): Promise<Presented> {
  const text = input.trim();
  const value = parseJson(text.startsWith(DISCLOSURE_CODE_PREFIX) ? await codeText(text) : text);
  if (!isObject(value)) throw new UnreadableError("text", "neither a record nor a disclosure");
  if (value.format === "oncechain-disclosure/1") {
    return { kind: "disclosure", disclosure: shaped(disclosureSchema, value, "") };
  }
  if (isObject(value.disclosure)) {
    return { kind: "disclosure", disclosure: shaped(disclosureSchema, value.disclosure, "disclosure") };
  }
  if (typeof value.format === "string" && value.format.startsWith("oncechain-record/")) {
    return { kind: "record", record: shaped(canonicalRecordSchema, value, "") as CanonicalRecord };
  }
  if (isObject(value.record)) {
    const record = shaped(canonicalRecordSchema, value.record, "record") as CanonicalRecord;
    const claimed =
      value.recordHash === undefined ? undefined : (shaped(hex32, value.recordHash, "recordHash") as Hex32);
    // The gateway's receipt (GET …/records/{hash}) holds more than the batch anchor: its root and proof are what count.
    const held = isObject(value.anchor) && value.anchor.batchRoot !== undefined ? value.anchor : undefined;
    const anchor = held
      ? (shaped(batchAnchorSchema, { batchRoot: held.batchRoot, proof: held.proof }, "anchor") as BatchAnchor)
      : undefined;
    return { kind: "record", record, ...(claimed ? { claimedHash: claimed } : {}), ...(anchor ? { anchor } : {}) };
  }
  throw new UnreadableError(
    "format",
    "neither a record (oncechain-record/…) nor a disclosure (oncechain-disclosure/1)",
  );
}

function batchOf(anchor: BatchAnchor | undefined, leaf: ReturnType<typeof anchorOf>): BrowserCheck["batch"] {
  if (!anchor) return undefined;
  return {
    root: anchor.batchRoot,
    proofNodes: anchor.proof.length,
    holds: verifyRecordProof(anchor.batchRoot, leaf, anchor.proof),
  };
}

/** Hashes what was presented and checks its batch proof, here; names the first member that does not hold. */
export function checkInBrowser(presented: Presented): BrowserCheck {
  if (presented.kind === "record") {
    const { record, claimedHash, anchor } = presented;
    let computed: Hex32;
    try {
      computed = recordHashOf(record);
    } catch (error) {
      if (error instanceof CanonicalFormError) throw new UnreadableError("record", error.message);
      throw error;
    }
    const altered =
      claimedHash !== undefined && claimedHash !== computed
        ? {
            where: "record",
            detail: `the record hashes to ${computed}, not to the record hash it came with (${claimedHash})`,
          }
        : undefined;
    // The chain is asked about the hash the record came with, and its batch proof checked with it: an altered record
    // is then compared with what was anchored under that hash.
    const recordHash = claimedHash ?? computed;
    const leaf = anchorOf(record, recordHash);
    const { recordHash: _hash, ...leafValues } = leaf;
    return {
      kind: "record",
      recordHash: computed,
      issuer: record.issuer,
      issuerId: record.issuerId,
      credentialType: record.credentialType,
      format: record.format,
      ...(altered ? { altered } : {}),
      ...(anchor ? { batch: batchOf(anchor, leaf) } : {}),
      statusQuery: { recordHash, issuerId: record.issuerId, leaf: leafValues, ...(anchor ? { anchor } : {}) },
    };
  }
  const { disclosure } = presented;
  const { envelope } = disclosure;
  let altered: BrowserCheck["altered"];
  try {
    provenRecordHash(disclosure);
  } catch (error) {
    if (!(error instanceof DisclosureError)) throw error;
    altered = { where: error.path, detail: error.message };
  }
  const recordHash = disclosure.recordHash;
  const leaf = anchorOf(envelope, recordHash);
  const { recordHash: _hash, ...leafValues } = leaf;
  const names = Object.keys(disclosure.fields);
  const bounds = fieldCountBounds(Object.values(disclosure.fields).map((f) => f.proof));
  return {
    kind: "disclosure",
    recordHash,
    issuer: envelope.issuer,
    issuerId: envelope.issuerId,
    credentialType: envelope.credentialType,
    format: envelope.format,
    ...(altered ? { altered } : {}),
    ...(disclosure.anchor ? { batch: batchOf(disclosure.anchor, leaf) } : {}),
    disclosed: { names, ...(bounds ? { fields: bounds } : {}) },
    statusQuery: {
      recordHash,
      issuerId: envelope.issuerId,
      leaf: leafValues,
      ...(disclosure.anchor ? { anchor: disclosure.anchor } : {}),
    },
  };
}

/** The members of a record the chain's evidence on its hash holds (SPEC §3.5), as the evidence names them. */
const ANCHORED_MEMBERS = [
  ["issuerId", "issuer"],
  ["typeId", "credentialType"],
  ["validFrom", "validFrom"],
  ["validUntil", "validUntil"],
] as const;

/**
 * The members of an altered record that differ from what the chain anchored under the hash it came with, each with the
 * file's value and the chain's: what can be named when the chain's evidence holds them (a record anchored or
 * registered singly). Empty when they all agree: the change is then in its fields or its other members.
 */
export function anchoredDifferences(
  record: CanonicalRecord,
  evidence: { issuer: number; credentialType: number; validFrom: number; validUntil: number },
): { member: string; inFile: number; onChain: number }[] {
  return ANCHORED_MEMBERS.flatMap(([member, onChain]) =>
    record[member] === evidence[onChain] ? [] : [{ member, inFile: record[member], onChain: evidence[onChain] }],
  );
}
