// The consumer side of federation: find the issuer's gateway on chain, send it a signed query over HTTP, read the answer.
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

/** An endpoint on chain is the base URL of the gateway process; a full department URL is accepted as well. */
function departmentUrl(endpoint: string, code: string): string {
  const base = endpoint.replace(/\/+$/, "");
  return base.endsWith(`/departments/${code}`) ? base : `${base}/departments/${code}`;
}

export function createFederationClient(deps: FederationClientDeps): FederationClient {
  let localUrl: string | undefined;

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
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method: "POST",
          headers,
          body: sent,
          signal: AbortSignal.timeout(deps.timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        const timedOut = (error as Error).name === "TimeoutError" || (error as Error).name === "AbortError";
        return { kind: "unavailable", reason: timedOut ? "timeout" : "unreachable" };
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return { kind: "unavailable", reason: "peer-error" };
      }
      if (response.status >= 400 && response.status < 500) {
        return {
          kind: "refused",
          status: response.status,
          code: String((body as { code?: unknown } | null)?.code ?? ""),
        };
      }
      const parsed = federationAnswerSchema.safeParse(body);
      if (response.status !== 200 || !parsed.success) return { kind: "unavailable", reason: "peer-error" };
      return { kind: "answer", answer: parsed.data };
    },
  };
}
