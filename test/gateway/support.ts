// Helpers the gateway tests share: synthetic subjects and request bodies, raw database reads, chain events, problems.
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { Writable } from "node:stream";
import { JsonRpcProvider, Network, type Signer } from "ethers";
import pino, { type Logger } from "pino";
import { expect } from "vitest";
import { connectRegistries } from "../../lib/chain/registries.ts";
import type { DepartmentRuntime } from "../../services/gateway/src/department.ts";
import { ERROR_CODES, type ErrorCode } from "../../services/gateway/src/errors/codes.ts";
import { newNonce, signPeerRequest } from "../../services/gateway/src/federation/signing.ts";
import { ISSUE_EXAMPLE } from "../../services/gateway/src/http/schemas.ts";
import type { DepartmentStore } from "../../services/gateway/src/store/departmentStore.ts";
import { withCreditCheck, withResidentCheck } from "../identifiers/checkChars.ts";
import { logCopy } from "../support/leftBehind.ts";
import type { RunningGateway, SeededChain } from "./gatewayFixture.ts";

/** A synthetic resident born 1949-12-31 in Xicheng; `n` picks the sequence number (0-999). */
export function residentId(n: number): string {
  return withResidentCheck(`11010519491231${String(n).padStart(3, "0")}`);
}

/** A synthetic unified social credit code of a Beijing company; `n` picks the organisation (0-9999). */
export function creditCode(n: number): string {
  return withCreditCheck(`9111010500000${String(n).padStart(4, "0")}`);
}

/** The personal data of the ID-card records the tests issue: none of it may reach logs, responses or disk in clear. */
export const PERSON = {
  idNumber: "11010519491231002X",
  name: "张三",
  address: "北京市怀柔区某街道1号",
} as const;

export function idCardRequest(idNumber: string = PERSON.idNumber, fields: Record<string, unknown> = {}) {
  return {
    credentialType: "resident-id-card",
    subject: { idType: "resident-id", idNumber },
    fields: {
      name: PERSON.name,
      sex: "男",
      ethnicity: "汉",
      birthDate: "1949-12-31",
      address: PERSON.address,
      issuingAuthority: "北京市公安局怀柔分局",
      validFrom: "2020-01-01",
      ...fields,
    },
  };
}

/** The business licence the API document shows as its issue example, so that the example is one the tests issue. */
export function licenceRequest(code: string = creditCode(1), fields: Record<string, unknown> = {}) {
  return {
    credentialType: "business-licence",
    subject: { idType: "unified-social-credit-code", idNumber: code },
    fields: { ...ISSUE_EXAMPLE.fields, ...fields },
  };
}

/** A well-formed record that no one issued, with `fields` as given. */
export function unissuedRecord(fields: Record<string, unknown> = {}) {
  return {
    format: "oncechain-record/2",
    credentialType: "resident-id-card",
    typeVersion: 1,
    typeId: 1,
    issuer: "psb",
    issuerId: 1,
    subjectRef: `0x${"ab".repeat(32)}`,
    fields,
    issuedAt: "2026-11-27T00:00:00.000Z",
    validFrom: 0,
    validUntil: 0,
    salt: `0x${"cd".repeat(32)}`,
  };
}

/** A logger at `level` whose lines (JSON, one per entry) land in `lines`. */
export function capturedLogs(level = "info"): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const copy = logCopy("captured.ndjson");
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      copy?.(chunk);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

export function runtimeOf(gw: RunningGateway, code: string): DepartmentRuntime {
  const runtime = gw.gateway.services.departments.get(code);
  if (!runtime) throw new Error(`${code} is not hosted`);
  return runtime;
}

/** Anchors everything the department has queued and brings the chain index up to date. */
export async function anchorQueued(gw: RunningGateway, code: string): Promise<void> {
  await runtimeOf(gw, code).worker.flush();
  await gw.gateway.services.index.syncNow();
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every key and value of the department's database as stored on disk, sublevels included. */
export async function rawEntries(store: DepartmentStore): Promise<{ key: string; value: Buffer }[]> {
  const entries: { key: string; value: Buffer }[] = [];
  for await (const [key, value] of store.db.iterator({ keyEncoding: "utf8", valueEncoding: "buffer" })) {
    entries.push({ key: String(key), value: value as unknown as Buffer });
  }
  return entries;
}

const WRITTEN_BY_REQUESTS = ["records", "anchors", "outbox", "by-subject", "idempotency"] as const;

/** How many keys each sublevel a request may write holds. */
export async function storeCounts(
  store: DepartmentStore,
): Promise<Record<(typeof WRITTEN_BY_REQUESTS)[number], number>> {
  const counts = { records: 0, anchors: 0, outbox: 0, "by-subject": 0, idempotency: 0 };
  for (const { key } of await rawEntries(store)) {
    const sublevel = WRITTEN_BY_REQUESTS.find((name) => key.startsWith(`!${name}!`));
    if (sublevel) counts[sublevel]++;
  }
  return counts;
}

/** Asserts an RFC 9457 problem with a code from the catalogue, its status and title, and the field it names. */
export function expectProblem(
  // biome-ignore lint/suspicious/noExplicitAny: the body is whatever JSON the gateway answered.
  response: { status: number; body: any; headers: Headers },
  code: ErrorCode,
  field?: string,
): void {
  const context = JSON.stringify(response.body);
  expect(response.status, context).toBe(ERROR_CODES[code].status);
  expect(response.headers.get("content-type"), context).toMatch(/^application\/problem\+json/);
  expect(response.body, context).toMatchObject({
    code,
    status: ERROR_CODES[code].status,
    title: ERROR_CODES[code].title,
  });
  expect(response.body.type, context).toEqual(expect.any(String));
  if (field !== undefined) expect(response.body.field, context).toBe(field);
}

/**
 * Sends `request` as raw bytes on a new connection and reads the answer until the gateway closes it: for requests
 * that fetch would refuse to send. Headers are lower-cased; `body` is the parsed JSON, when it is JSON.
 */
export function rawRequest(
  url: URL,
  request: string | Uint8Array,
  // biome-ignore lint/suspicious/noExplicitAny: the body is whatever JSON the gateway answered.
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error("the gateway did not close the connection")));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = new Headers();
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      const bodyText = rest.join("\r\n\r\n");
      let body: unknown = bodyText;
      try {
        body = JSON.parse(bodyText);
      } catch {
        // not JSON
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body, text });
    });
    socket.end(request);
  });
}

/** The anchoring transactions a department has made: single records and batches (with their record counts). */
export async function anchoringEvents(chain: SeededChain, departmentId: number) {
  const records = connectRegistries(chain.deployment, chain.connection.ethers.provider).records;
  const single = await records.queryFilter(records.filters.CredentialAnchored(undefined, undefined, departmentId));
  const batches = await records.queryFilter(records.filters.CredentialBatchAnchored(undefined, departmentId));
  return {
    singles: single.map((e) => e.args.recordHash.toLowerCase()),
    batches: batches.map((e) => ({ root: e.args.root.toLowerCase(), recordCount: Number(e.args.recordCount) })),
  };
}

/** A JSON-RPC endpoint in front of the in-process chain that can be cut off, as a real node's network can be. */
export interface SwitchableChain {
  provider: JsonRpcProvider;
  /** Drops every request (and open connection) until `reconnect`. */
  disconnect(): void;
  reconnect(): void;
  close(): Promise<void>;
}

/**
 * What a node that prunes old state (or an anvil reloaded from its state file) answers to a read at a past block: an
 * error. Pass as `refuse` to switchableChain.
 */
export function withoutPastState(request: { method: string; params?: unknown[] }): string | undefined {
  if (request.method !== "eth_call" && request.method !== "eth_getBalance" && request.method !== "eth_getCode") {
    return undefined;
  }
  const tag = request.params?.at(-1);
  return tag === undefined || tag === "latest" || tag === "pending" ? undefined : `missing trie node for block ${tag}`;
}

export async function switchableChain(
  chain: SeededChain,
  options: {
    /** A refusal's message, for a request the node refuses. */
    refuse?: (request: { method: string; params?: unknown[] }) => string | undefined;
    /** What a request waits for before it is answered, as a slow node keeps a caller waiting. */
    hold?: (request: { method: string; params?: unknown[] }) => Promise<void> | undefined;
    /** A result given instead of the chain's, as a node behind a load balancer that lags the others gives one. */
    answer?: (request: { method: string; params?: unknown[] }) => { result: unknown } | undefined;
  } = {},
): Promise<SwitchableChain> {
  let reachable = true;
  const server: Server = createServer((req, res) => {
    if (!reachable) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const answers = await Promise.all([payload].flat().map(forward));
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(Array.isArray(payload) ? answers : answers[0]));
    });
  });
  async function forward(request: { id: number; method: string; params?: unknown[] }) {
    const refused = options.refuse?.(request);
    if (refused) return { jsonrpc: "2.0", id: request.id, error: { code: -32000, message: refused } };
    await options.hold?.(request);
    const answered = options.answer?.(request);
    if (answered) return { jsonrpc: "2.0", id: request.id, result: answered.result };
    try {
      const result = await chain.connection.provider.request({ method: request.method, params: request.params });
      return { jsonrpc: "2.0", id: request.id, result };
    } catch (cause) {
      const e = cause as { code?: number; message?: string; data?: unknown };
      return { jsonrpc: "2.0", id: request.id, error: { code: e.code ?? -32603, message: e.message, data: e.data } };
    }
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const network = Network.from(Number((await chain.connection.ethers.provider.getNetwork()).chainId));
  const provider = new JsonRpcProvider(`http://127.0.0.1:${port}`, network, {
    staticNetwork: network,
    pollingInterval: 20,
    batchMaxCount: 1,
    cacheTimeout: -1,
  });
  return {
    provider,
    disconnect() {
      reachable = false;
      server.closeAllConnections();
    },
    reconnect() {
      reachable = true;
    },
    async close() {
      provider.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The headers a peer gateway sends with a federation query to `url` (an issuer's federation route), signed as
 * `department`'s gateway signs it (default market-regulation, with its key from `chain`). `signed` is what the signature
 * covers, when a test tampers with what is sent (sent as `call` sends it: a string as is, anything else as JSON);
 * `key` signs instead of the department's own; `timestamp` (Unix ms) is when it claims to be signed. `chain`
 * need only know the signer keys, so that a test whose gateways run as processes signs with their dev keys.
 */
export function peerQueryHeaders(
  chain: Pick<SeededChain, "signerKeys">,
  url: string,
  body: unknown,
  options: {
    department?: string;
    key?: string;
    timestamp?: number;
    nonce?: string;
    signed?: unknown;
  } = {},
): Record<string, string> {
  const department = options.department ?? "market-regulation";
  const signed = options.signed ?? body;
  return signPeerRequest(options.key ?? chain.signerKeys[department] ?? "", {
    method: "POST",
    url,
    body: typeof signed === "string" ? signed : JSON.stringify(signed),
    created: Math.floor((options.timestamp ?? Date.now()) / 1000),
    nonce: options.nonce ?? newNonce(),
    department,
  });
}

/**
 * Sets `code`'s endpoint on chain to `url` (as the operator), and waits until every one of `gateways`' chain indexes
 * has it: the asking gateway calls the endpoint, and the issuer checks the target URI a request was signed for
 * against it.
 */
export async function setEndpointOnChain(
  chain: SeededChain,
  gateways: RunningGateway | RunningGateway[],
  code: string,
  url: string,
) {
  const all = Array.isArray(gateways) ? gateways : [gateways];
  const [operator] = await chain.connection.ethers.getSigners();
  const registries = connectRegistries(chain.deployment, operator as Signer);
  const id = all[0]?.gateway.services.catalogue.departmentIds.get(code) ?? 0;
  await (await registries.departments.setEndpoint(id, url)).wait();
  for (const gw of all) await gw.gateway.services.index.syncNow();
}
