// The issuer side of a record query: purpose and grant checked on chain, the access logged, then the answer.

import type { PeerQueryAccess } from "../../../../lib/audit/accessLogEntry.ts";
import { neededFields } from "../../../../lib/catalogue/schemas.ts";
import type { Hex32 } from "../../../../lib/encoding/canonical.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { type AnchorState, anchorOf, batchAnchorOf, type CanonicalRecord } from "../records/canonicalRecord.ts";
import { type Disclosure, discloseFields } from "../records/disclosure.ts";
import type { GatewayServices } from "../services.ts";
import { type FederationAnswer, type FederationQuery, federationQuerySchema } from "./protocol.ts";

interface Latest {
  recordHash?: Hex32;
  /** The record's anchoring as this department keeps it (with its batch proof). */
  anchor?: AnchorState;
  /** The newest anchored record was revoked and nothing valid came after it. */
  revoked: boolean;
}

/**
 * The newest anchored record of the type about the subject that is neither revoked nor superseded. Revocation and
 * supersession are read from the chain index (the chain is their truth, and the index has this gateway's own changes
 * before they are answered); batched records the chain does not list singly are neither.
 */
async function latestRecord(department: DepartmentRuntime, subjectRef: Hex32, type: string): Promise<Latest> {
  const { store, index } = department;
  const prefix = `${subjectRef}!${type}!`;
  let revoked = false;
  // Keys end in the fixed-width outbox sequence number, so in reverse the newest comes first.
  for await (const recordHash of store.bySubject.values({ gte: prefix, lt: `${prefix}~`, reverse: true })) {
    const state = await store.anchors.get(recordHash);
    if (state?.state !== "anchored") continue;
    const onChain = index.record(department.id, recordHash);
    if (onChain?.supersededBy) continue;
    if (onChain?.revokedAt) {
      revoked = true;
      continue;
    }
    return { recordHash, anchor: state, revoked: false };
  }
  return { revoked };
}

/** Whether the purpose scenario lists the type as a material of one of its matters. */
function purposeCovers(services: GatewayServices, purpose: string, type: string): boolean {
  return services.catalogue.scenario(purpose).scenario.matters.some((m) => m.materials.includes(type));
}

/** Logged for a purpose that is no scenario of the catalogue: what was sent in its place is not kept. */
export const NOT_A_SCENARIO = "-";

async function mayRead(
  services: GatewayServices,
  providerId: number,
  consumerId: number,
  query: FederationQuery,
): Promise<boolean> {
  try {
    return await services.chainReads.mayRead(providerId, consumerId, query.credentialType, query.purpose);
  } catch (cause) {
    throw new GatewayError("CHAIN_UNAVAILABLE", { cause });
  }
}

/** Logs a refused query; the refusal is part of who-asked-for-what as much as an answer is. */
export function logDenied(department: DepartmentRuntime, consumer: string, query: FederationQuery) {
  return department.accessLog.append({ channel: "peer", consumer, ...askedFor(query), outcome: "denied" });
}

/**
 * What the log keeps of a query: who it is about, what for; whether only evidence was wanted shows in the outcome, and
 * the fields disclosed in the entry of an answer (not the fields asked for).
 */
const askedFor = ({ evidenceOnly: _evidenceOnly, fields: _fields, ...asked }: FederationQuery) => asked;

/**
 * The fields to disclose to the consumer: those it asked for (else all) of what its matters in the purpose scenario
 * name for the type, the grant's scope (SPEC §6.5); asking for any other is refused, naming it.
 */
function fieldsToDisclose(services: GatewayServices, consumer: string, query: FederationQuery): string[] {
  const scenario = services.catalogue.scenario(query.purpose).scenario;
  const granted = neededFields(scenario, consumer, query.credentialType);
  if (query.fields === undefined) return granted;
  const beyond = query.fields.findIndex((name) => !granted.includes(name));
  if (beyond >= 0) {
    throw new GatewayError("FIELDS_NOT_GRANTED", {
      field: `fields.${beyond}`,
      detail: `no matter of ${consumer} in ${query.purpose} needs that field of ${query.credentialType}`,
    });
  }
  return [...new Set(query.fields)];
}

/**
 * The disclosure of the fields the record has among `names` (a field its type makes optional may be absent), with its
 * batch anchor; none for a record of format 1, which is hashed whole and so cannot show some fields without the rest.
 */
function disclosureOf(record: CanonicalRecord, state: AnchorState, names: string[]): Disclosure | undefined {
  if (record.format !== "oncechain-record/2") return undefined;
  const present = names.filter((name) => Object.hasOwn(record.fields, name));
  return discloseFields(record, present, batchAnchorOf(state));
}

/**
 * Refuses a sender whose department is suspended (DEPARTMENT_SUSPENDED), logging the attempt as denied when it was a
 * record query: the sender is proved, so the refusal belongs in the issuer's log.
 */
export async function refuseIfSuspended(
  department: DepartmentRuntime,
  consumer: string,
  suspended: boolean,
  body: unknown,
): Promise<void> {
  if (!suspended) return;
  const query = federationQuerySchema.safeParse(body);
  if (query.success) await logDenied(department, consumer, query.data);
  throw new GatewayError("DEPARTMENT_SUSPENDED", { detail: `${consumer} is suspended` });
}

export async function answerQuery(
  services: GatewayServices,
  department: DepartmentRuntime,
  consumer: string,
  query: FederationQuery,
): Promise<FederationAnswer> {
  const entry = services.catalogue.type(query.credentialType);
  if (!entry.type.issuers.includes(department.code)) throw new GatewayError("NOT_ISSUER", { field: "credentialType" });
  // A purpose is a scenario of the catalogue, never text: anything else is refused, and logged without it.
  if (!services.catalogue.scenarios().some((e) => e.scenario.code === query.purpose)) {
    await logDenied(department, consumer, { ...query, purpose: NOT_A_SCENARIO });
    throw new GatewayError("UNKNOWN_SCENARIO", { field: "purpose" });
  }
  if (!purposeCovers(services, query.purpose, query.credentialType)) {
    await logDenied(department, consumer, query);
    throw new GatewayError("PURPOSE_NOT_COVERED", {
      field: "purpose",
      detail: `the purpose ${query.purpose} does not ask for ${query.credentialType}`,
    });
  }
  const consumerId = services.catalogue.departmentIds.get(consumer) ?? 0;
  // A department reading its own records needs no grant: it holds them already.
  const granted = consumerId === department.id || (await mayRead(services, department.id, consumerId, query));
  // Fields asked for beyond the consumer's matters are refused whether or not anything would be shared: a probe for
  // fields it has no use for is in the log as denied.
  let names: string[] = [];
  if (query.fields !== undefined || (granted && query.evidenceOnly !== true)) {
    try {
      names = fieldsToDisclose(services, consumer, query);
    } catch (error) {
      await logDenied(department, consumer, query);
      throw error;
    }
  }
  const latest = await latestRecord(department, query.subjectRef, query.credentialType);
  const record = latest.recordHash ? await department.store.getRecord(latest.recordHash) : undefined;
  const state = latest.anchor;
  const disclosure =
    granted && query.evidenceOnly !== true && record && state ? disclosureOf(record, state, names) : undefined;
  const outcome: PeerQueryAccess["outcome"] = !latest.recordHash
    ? "not-found"
    : disclosure
      ? "shared"
      : "evidence-only";
  // The log entry is durable before anything leaves: an answer that was never logged is never given. It names the
  // fields disclosed, so that the log proves which fields went to whom.
  await department.accessLog.append({
    channel: "peer",
    consumer,
    ...askedFor(query),
    outcome,
    ...(latest.recordHash ? { recordHash: latest.recordHash } : {}),
    ...(disclosure ? { fields: Object.keys(disclosure.fields) } : {}),
  });
  services.metrics.inc("oncechain_federation_answers_total", "Record queries answered to other departments", {
    outcome,
  });
  if (!latest.recordHash || !record || !state)
    return { found: false, reason: latest.revoked ? "revoked" : "not-found" };
  return {
    found: true,
    granted,
    issuer: department.code,
    issuerId: department.id,
    recordHash: latest.recordHash,
    leaf: anchorOf(record, latest.recordHash),
    anchor: {
      ...(state.registry ? { registry: state.registry } : {}),
      ...(state.batchRoot ? { batchRoot: state.batchRoot } : {}),
      proof: state.proof ?? [],
      ...(state.txHash ? { txHash: state.txHash } : {}),
      ...(state.blockNumber !== undefined ? { blockNumber: state.blockNumber } : {}),
    },
    ...(disclosure ? { disclosure } : {}),
  };
}
