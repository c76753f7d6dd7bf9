// The consumer side of federation: find the issuer's gateway on chain, send it a signed query over HTTP, read the answer.

import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { z } from "zod";
import { firstRefusedMember } from "../../../../lib/encoding/duplicateMembers.ts";
import { type SubjectAccessesAnswer, subjectAccessesSchema } from "../audit/subjectAccesses.ts";
import type { ChainIndex } from "../chain/chainIndex.ts";
import type { DepartmentRuntime } from "../department.ts";
import type { InProcessPeers } from "./inProcessPeers.ts";
import {
  type AccessLogQuery,
  type FederationAnswer,
  type FederationQuery,
  federationAnswerSchema,
} from "./protocol.ts";
import { newNonce, signPeerRequest } from "./signing.ts";

/** Why a peer could not be asked: it has no endpoint, did not answer in time, or answered what no peer should. */
export type PeerUnavailable = { kind: "unavailable"; reason: "no-endpoint" | "unreachable" | "timeout" | "peer-error" };

export type PeerResult =
  | { kind: "answer"; answer: FederationAnswer }
  /** The issuer refused the query (its problem code), e.g. the purpose does not cover the type. */
  | { kind: "refused"; status: number; code: string }
  | PeerUnavailable;

export type PeerAccessesResult =
  | { kind: "answer"; answer: SubjectAccessesAnswer }
  | { kind: "refused"; status: number; code: string }
  | PeerUnavailable;

export interface FederationClient {
  /** Asks `issuer` for its newest valid record of a type about a subject (in this process when it hosts the issuer). */
  query(consumer: DepartmentRuntime, issuer: { code: string; id: number }, query: FederationQuery): Promise<PeerResult>;
  /** Asks `department` for its access-log entries about a subject, each with its proof, for a citizen's view. */
  accessesAbout(
    consumer: DepartmentRuntime,
    department: { code: string; id: number },
    query: AccessLogQuery,
  ): Promise<PeerAccessesResult>;
}

export interface FederationClientDeps {
  index: ChainIndex;
  /** The departments this process hosts, asked without a request over HTTP. */
  inProcess: InProcessPeers;
  timeoutMs: number;
  now: () => number;
  /** PEM: the CA a peer's certificate must be issued by, for peers served over HTTPS; the system's CAs when absent. */
  peerCa?: string | Buffer;
}

interface PeerResponse {
  status: number;
  text: string;
}

const TIMED_OUT = new Error("the peer did not answer in time");

/**
 * Connections to peers are kept open between queries: an application asks every issuer at once, and a new connection
 * each time is a TCP handshake and a socket on both sides. Free sockets are closed after 4 s, before Node's servers
 * close idle ones (5 s), so that a query is not sent on a socket the peer is closing.
 */
function peerAgents(ca?: string | Buffer) {
  const options = { keepAlive: true, timeout: 4_000 };
  return { "http:": new HttpAgent(options), "https:": new HttpsAgent({ ...options, ...(ca ? { ca } : {}) }) };
}

/**
 * POSTs the signed query with node:http rather than fetch: a query costs the asking gateway ~160 µs of CPU this way
 * against ~400 µs through fetch (WHATWG streams and headers), five times per application. Rejects with TIMED_OUT when
 * no full answer came within `timeoutMs`, with the socket's error otherwise.
 */
function sendPeerRequest(
  agents: ReturnType<typeof peerAgents>,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PeerResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const agent = target.protocol === "https:" ? agents["https:"] : agents["http:"];
    const req = send(target, {
      method: "POST",
      agent,
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(() => req.destroy(TIMED_OUT), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    req.once("error", fail);
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.once("error", fail);
      res.once("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.end(body);
  });
}

/** An endpoint on chain is the base URL of the gateway process; a full department URL is accepted as well. */
export function departmentUrl(endpoint: string, code: string): string {
  const base = endpoint.replace(/\/+$/, "");
  return base.endsWith(`/departments/${code}`) ? base : `${base}/departments/${code}`;
}

export function createFederationClient(deps: FederationClientDeps): FederationClient {
  const agents = peerAgents(deps.peerCa);

  function endpointOf(issuer: { code: string; id: number }): string | undefined {
    const onChain = deps.index.endpoint(issuer.id);
    return onChain ? departmentUrl(onChain, issuer.code) : undefined;
  }

  /** Sends `body` to `route` of `peer`'s gateway, signed as `consumer`'s; the answer parsed with `schema` when 200. */
  async function post<T>(
    consumer: DepartmentRuntime,
    peer: { code: string; id: number },
    route: string,
    body: unknown,
    schema: z.ZodType<T>,
  ): Promise<{ kind: "answer"; answer: T } | { kind: "refused"; status: number; code: string } | PeerUnavailable> {
    const base = endpointOf(peer);
    if (!base) return { kind: "unavailable", reason: "no-endpoint" };
    // As the issuer rebuilds it from the same endpoint: a host in capitals or a default port signed as a URL writes it.
    const url = new URL(`${base}${route}`).href;
    const sent = JSON.stringify(body);
    const headers = signPeerRequest(consumer.wallet.privateKey, {
      method: "POST",
      url,
      body: sent,
      created: Math.floor(deps.now() / 1000),
      nonce: newNonce(),
      department: consumer.code,
    });
    let response: PeerResponse;
    try {
      response = await sendPeerRequest(agents, url, headers, sent, deps.timeoutMs);
    } catch (error) {
      return { kind: "unavailable", reason: error === TIMED_OUT ? "timeout" : "unreachable" };
    }
    const { status, text } = response;
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(text);
    } catch {
      return { kind: "unavailable", reason: "peer-error" };
    }
    if (status >= 400 && status < 500) {
      return {
        kind: "refused",
        status,
        code: String((parsedBody as { code?: unknown } | null)?.code ?? ""),
      };
    }
    // An answer whose meaning depends on the reader (a member named twice, or __proto__) is no answer.
    const parsed = schema.safeParse(parsedBody);
    if (status !== 200 || !parsed.success || firstRefusedMember(text))
      return { kind: "unavailable", reason: "peer-error" };
    return { kind: "answer", answer: parsed.data };
  }

  const { inProcess } = deps;
  return {
    query(consumer, issuer, query) {
      const hosted = inProcess.hosted(issuer.code);
      if (hosted) return inProcess.query(consumer, hosted, query);
      return post(consumer, issuer, "/federation/records/query", query, federationAnswerSchema);
    },
    accessesAbout(consumer, department, query) {
      const hosted = inProcess.hosted(department.code);
      if (hosted) return inProcess.accessesAbout(consumer, hosted, query);
      return post(consumer, department, "/federation/access-log/query", query, subjectAccessesSchema);
    },
  };
}
