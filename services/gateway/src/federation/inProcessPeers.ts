// A department this gateway process hosts is asked in the process: the issuer side is the one a signed request over
// HTTP meets (the sender's key and standing on chain, then the answer and its access-log entry), without signing,
// sending, parsing and verifying a request between two departments whose keys and data sit in one process. A market
// regulator deciding a convenience store checks its own business licence this way instead of calling itself.
import { subjectAccesses, subjectAccessesSchema } from "../audit/subjectAccesses.ts";
import type { DepartmentRuntime } from "../department.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import type { GatewayServices } from "../services.ts";
import { answerQuery, refuseIfSuspended } from "./answerQuery.ts";
import { senderStanding } from "./authenticateFederation.ts";
import type { PeerAccessesResult, PeerResult } from "./federationClient.ts";
import type { AccessLogQuery, FederationQuery } from "./protocol.ts";

export interface InProcessPeers {
  /** The runtime of `code` when this process hosts it. */
  hosted(code: string): DepartmentRuntime | undefined;
  query(consumer: DepartmentRuntime, issuer: DepartmentRuntime, query: FederationQuery): Promise<PeerResult>;
  accessesAbout(
    consumer: DepartmentRuntime,
    department: DepartmentRuntime,
    query: AccessLogQuery,
  ): Promise<PeerAccessesResult>;
}

export function inProcessPeers(services: () => GatewayServices): InProcessPeers {
  /**
   * `answer` as the peer route gives it once the request is authenticated: the consumer's key must sign for it on chain
   * and its department must not be suspended; a refusal is the problem code the route would answer with.
   */
  async function asked<T>(
    consumer: DepartmentRuntime,
    peer: DepartmentRuntime,
    body: unknown,
    answer: () => Promise<T>,
  ): Promise<{ kind: "answer"; answer: T } | { kind: "refused"; status: number; code: string }> {
    try {
      const standing = await senderStanding(services(), consumer.wallet.address, consumer);
      await refuseIfSuspended(peer, consumer.code, standing.suspended, body);
      return { kind: "answer", answer: await answer() };
    } catch (error) {
      if (error instanceof GatewayError && error.status < 500) {
        return { kind: "refused", status: error.status, code: error.code };
      }
      throw error;
    }
  }

  const unavailable = { kind: "unavailable", reason: "peer-error" } as const;
  return {
    hosted: (code) => services().departments.get(code),
    query: (consumer, issuer, query) =>
      asked(consumer, issuer, query, () => answerQuery(services(), issuer, consumer.code, query)).catch(
        () => unavailable,
      ),
    accessesAbout: (consumer, department, query) =>
      asked(consumer, department, query, async () => {
        const answer = await subjectAccesses(department, query.subjectRef, {
          channel: "peer",
          consumer: consumer.code,
        });
        // As a peer's answer is read: what JSON carries of it, in the protocol's form.
        return subjectAccessesSchema.parse(JSON.parse(JSON.stringify(answer)));
      }).catch(() => unavailable),
  };
}
