// The consumer side of federation: find the issuer's gateway on chain, send it a signed query over HTTP, read the answer.
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { ChainIndex } from "../chain/chainIndex.ts";
import type { DepartmentRuntime } from "../department.ts";
import { type FederationAnswer, type FederationQuery, federationAnswerSchema } from "./protocol.ts";
import { newNonce, signPeerRequest } from "./signing.ts";

export type PeerResult =
  | { kind: "answer"; answer: FederationAnswer }
  /** The issuer refused the query (its problem code), e.g. the purpose does not cover the type. */
  | { kind: "refused"; status: number; code: string }
  | { kind: "unavailable"; reason: "no-endpoint" | "unreachable" | "timeout" | "peer-error" };

export interface FederationClient {
  /** Where this process itself listens: used for departments it hosts that have no endpoint on chain. */
  setLocalUrl(url: string): void;
  query(consumer: DepartmentRuntime, issuer: { code: string; id: number }, query: FederationQuery): Promise<PeerResult>;
}

export interface FederationClientDeps {
  index: ChainIndex;
  /** Codes of the departments this process hosts. */
  hosted: () => Iterable<string>;
  publicUrl: string;
  timeoutMs: number;
  now: () => number;
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
function peerAgents() {
  const options = { keepAlive: true, timeout: 4_000 };
  return { "http:": new HttpAgent(options), "https:": new HttpsAgent(options) };
}

/**
 * POSTs the signed query with node:http rather than fetch: a query costs the asking gateway ~160 µs of CPU this way
 * against ~400 µs through fetch (WHATWG streams and headers), five times per application. Rejects with TIMED_OUT when
 * no full answer came within `timeoutMs`, with the socket's error otherwise.
 */
function post(
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
function departmentUrl(endpoint: string, code: string): string {
  const base = endpoint.replace(/\/+$/, "");
  return base.endsWith(`/departments/${code}`) ? base : `${base}/departments/${code}`;
}

export function createFederationClient(deps: FederationClientDeps): FederationClient {
  let localUrl: string | undefined;
  const agents = peerAgents();

  function endpointOf(issuer: { code: string; id: number }): string | undefined {
    const onChain = deps.index.endpoint(issuer.id);
    if (onChain) return departmentUrl(onChain, issuer.code);
    // Calling ourselves over loopback is always right; the public URL may sit behind a proxy or omit the port.
    if ([...deps.hosted()].includes(issuer.code)) return departmentUrl(localUrl ?? deps.publicUrl, issuer.code);
    return undefined;
  }

  return {
    setLocalUrl(url) {
      localUrl = url;
    },
    async query(consumer, issuer, query) {
      const base = endpointOf(issuer);
      if (!base) return { kind: "unavailable", reason: "no-endpoint" };
      const url = `${base}/federation/records/query`;
      const sent = JSON.stringify(query);
      const headers = await signPeerRequest(consumer.wallet.privateKey, {
        method: "POST",
        url,
        body: sent,
        created: Math.floor(deps.now() / 1000),
        nonce: newNonce(),
        department: consumer.code,
      });
      let response: PeerResponse;
      try {
        response = await post(agents, url, headers, sent, deps.timeoutMs);
      } catch (error) {
        return { kind: "unavailable", reason: error === TIMED_OUT ? "timeout" : "unreachable" };
      }
      const { status, text } = response;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return { kind: "unavailable", reason: "peer-error" };
      }
      if (status >= 400 && status < 500) {
        return {
          kind: "refused",
          status,
          code: String((body as { code?: unknown } | null)?.code ?? ""),
        };
      }
      const parsed = federationAnswerSchema.safeParse(body);
      if (status !== 200 || !parsed.success) return { kind: "unavailable", reason: "peer-error" };
      return { kind: "answer", answer: parsed.data };
    },
  };
}
