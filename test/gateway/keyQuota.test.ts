// Per-key quotas (issue 13, item 8): a department system's key, or a peer gateway, past its quota is refused 429 with
// Retry-After (answered once that has passed), while the department's other keys and the other departments it shares
// the gateway with are served as before. The figures under load (the others' p99) are npm run test:soak -- load.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, applicationIdFor, expectProblem, issue } from "./scenarioSupport.ts";
import { peerQueryHeaders } from "./support.ts";

// Slow to refill, so that a loaded machine spreading the burst over a second still sees exactly the burst admitted.
const QUOTA = { perSecond: 1, burst: 6 };

describe("per-key quotas", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let recordHash: string;
  let issuerId: number;
  const person = applicant(81);

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "market-regulation"], { keyQuota: QUOTA, accessLogCommitMs: 0 });
    const issued = await issue(gw, "resident-id-card", person);
    recordHash = issued.recordHash;
    await anchorAll(gw, ["psb"]);
    issuerId = (issued.record as unknown as { issuerId: number }).issuerId;
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  const verify = (department: string, token: string) =>
    call("POST", `${gw.base(department)}/verify`, token, { recordHash, issuerId });

  it("answers a key past its quota 429 KEY_QUOTA_EXCEEDED with Retry-After, and serves it again once that has passed", async () => {
    const flooding = gw.key("psb", "consumer");
    const answers = await Promise.all(Array.from({ length: QUOTA.burst + 4 }, () => verify("psb", flooding)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(QUOTA.burst);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(4);
    for (const answer of refused) {
      expectProblem(answer, "KEY_QUOTA_EXCEEDED");
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    // Neither the key, nor anything of the record or the person, is in the problem.
    const text = JSON.stringify(refused.map((a) => a.body));
    expect(text).not.toContain(flooding);
    expect(text).not.toContain(person.idNumber);
    // Each refusal was answered after its Retry-After, by when the key had a request again.
    expect((await verify("psb", flooding)).status).toBe(200);
  });

  it("serves the department's other keys and the other department while one key's refusals are held back", async () => {
    const flooding = gw.key("psb", "consumer");
    // A refusal is answered after its Retry-After: meanwhile the others are answered as ever.
    const flood = Promise.all(Array.from({ length: QUOTA.burst + 3 }, () => verify("psb", flooding)));
    expect((await verify("psb", gw.key("psb", "consumer"))).status).toBe(200);
    expect((await call("GET", `${gw.base("psb")}/records/${recordHash}`, gw.key("psb", "issuer"))).status).toBe(200);
    expect((await verify("market-regulation", gw.key("market-regulation", "consumer"))).status).toBe(200);
    const statuses = (await flood).map((a) => a.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(statuses.filter((s) => s === 200)).toHaveLength(QUOTA.burst);
  });

  it("counts a peer gateway's signed requests against the peer's quota", async () => {
    const url = `${gw.base("psb")}/federation/records/query`;
    const query = {
      subjectRef: subjectRef(chain.districtSecret, "resident-id", person.idNumber),
      credentialType: "resident-id-card",
      purpose: "open-convenience-store",
      applicationId: applicationIdFor("app-quota"),
    };
    const answers = await Promise.all(
      Array.from({ length: QUOTA.burst + 2 }, () =>
        call("POST", url, undefined, query, peerQueryHeaders(chain, url, query)),
      ),
    );
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(2);
    for (const answer of refused) expectProblem(answer, "KEY_QUOTA_EXCEEDED");
  });

  it("counts a key's requests to an operation its role may not call: past the quota they are 429, not 403", async () => {
    const consumer = gw.key("psb", "consumer");
    const answers = await Promise.all(
      Array.from({ length: QUOTA.burst + 2 }, () =>
        call("POST", `${gw.base("psb")}/records`, consumer, { credentialType: "resident-id-card" }),
      ),
    );
    expect(answers.filter((a) => a.status === 403)).toHaveLength(QUOTA.burst);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(2);
  });
});
