// The routes anyone may call without a key (the web page's verifier, catalogue and figures): they answer what the
// chain and the catalogue say publicly, take no record's content, and give no stored subject reference or log entry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, issue } from "./scenarioSupport.ts";
import { expectProblem } from "./support.ts";

describe("the public routes", () => {
  let chain: SeededChain;
  let gw: RunningGateway;
  let batched: { recordHash: string; record: Record<string, unknown>; anchor: { batchRoot: string; proof: string[] } };
  const publicPath = (path: string) => `${gw.base("psb")}/public${path}`;

  beforeAll(async () => {
    chain = await seededChain();
    gw = await startGateway(chain, ["psb", "market-regulation"], {
      anchoring: { batchSize: 2, maxWaitMs: 3_600_000, pollMs: 10 },
    });
    const first = await issue(gw, "resident-id-card", applicant(1));
    await issue(gw, "resident-id-card", applicant(2));
    await anchorAll(gw, ["psb"]);
    batched = (await call("GET", `${gw.base("psb")}/records/${first.recordHash}`, gw.key("psb", "issuer"))).body;
    expect(batched.anchor.batchRoot).toBeDefined();
  });
  afterAll(async () => {
    await gw?.close();
    chain?.cleanup();
  });

  const leafOf = (record: Record<string, unknown>) => ({
    subjectRef: record.subjectRef,
    credentialType: record.typeId,
    validFrom: record.validFrom,
    validUntil: record.validUntil,
  });

  it("gives a batched record's hash, leaf values and proof the verdict /verify gives the record itself", async () => {
    const { recordHash, record, anchor } = batched;
    const query = {
      recordHash,
      issuerId: record.issuerId,
      leaf: leafOf(record),
      anchor: { batchRoot: anchor.batchRoot, proof: anchor.proof },
    };
    const anonymous = await call("POST", publicPath("/status"), undefined, query);
    expect(anonymous.status, JSON.stringify(anonymous.body)).toBe(200);
    const keyed = await call("POST", `${gw.base("psb")}/verify`, gw.key("psb", "auditor"), {
      record,
      recordHash,
      anchor: query.anchor,
    });
    expect(keyed.status).toBe(200);
    expect(anonymous.body.status).toBe("valid");
    expect(anonymous.body.evidence).toEqual(keyed.body.evidence);
    expect(anonymous.body.recordHash).toBe(keyed.body.recordHash);
  });

  it("says unknown for a leaf that is not the anchored one, without naming why", async () => {
    const { recordHash, record, anchor } = batched;
    const answer = await call("POST", publicPath("/status"), undefined, {
      recordHash,
      issuerId: record.issuerId,
      leaf: { ...leafOf(record), validUntil: (record.validUntil as number) + 1 },
      anchor: { batchRoot: anchor.batchRoot, proof: anchor.proof },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe("unknown");
  });

  it("refuses a record's content, naming the member, and a batch anchor without its leaf", async () => {
    const { recordHash, record, anchor } = batched;
    const withRecord = await call("POST", publicPath("/status"), undefined, {
      recordHash,
      issuerId: record.issuerId,
      record,
    });
    expectProblem(withRecord, "VALIDATION_FAILED", "record");
    const noLeaf = await call("POST", publicPath("/status"), undefined, {
      recordHash,
      issuerId: record.issuerId,
      anchor: { batchRoot: anchor.batchRoot, proof: anchor.proof },
    });
    expectProblem(noLeaf, "VALIDATION_FAILED", "leaf");
    const badHash = await call("POST", publicPath("/status"), undefined, { recordHash: "0x12", issuerId: 1 });
    expectProblem(badHash, "VALIDATION_FAILED", "recordHash");
  });

  it("gives the catalogue with every entry's hash checked against the chain", async () => {
    const answer = await call("GET", publicPath("/catalogue"), undefined);
    expect(answer.status).toBe(200);
    expect(answer.body.types).toHaveLength(chain.catalogue.credentialTypes.length);
    expect(answer.body.scenarios).toHaveLength(chain.catalogue.scenarios.length);
    expect(answer.body.departments).toHaveLength(chain.catalogue.departments.length);
    for (const entry of [...answer.body.types, ...answer.body.scenarios]) expect(entry.verified, entry.code).toBe(true);
    const homestay = answer.body.scenarios.find((s: { code: string }) => s.code === "open-homestay");
    expect(homestay.matters[0].commitment.materials).toContain("house-safety-appraisal");
  });

  it("gives a department's access-log commitments as the chain holds them, and 404 naming an unknown department", async () => {
    await call("POST", `${gw.base("psb")}/access-log/commit`, gw.key("psb", "operator"), {});
    const read = await call("GET", `${gw.base("psb")}/records/${batched.recordHash}`, gw.key("psb", "issuer"));
    expect(read.status).toBe(200);
    const committed = await call("POST", `${gw.base("psb")}/access-log/commit`, gw.key("psb", "operator"), {});
    expect(committed.body.committed).not.toBeNull();
    const answer = await call("GET", publicPath("/access-log-commitments/psb"), undefined);
    expect(answer.status).toBe(200);
    expect(answer.body.commitments.at(-1)).toMatchObject({
      index: committed.body.committed.index,
      root: committed.body.committed.root,
      toSeq: committed.body.committed.toSeq,
    });
    const unknown = await call("GET", publicPath("/access-log-commitments/no-such-department"), undefined);
    expectProblem(unknown, "UNKNOWN_DEPARTMENT", "of");
  });

  it("counts figures by day, one count serving the requests that follow, and no public answer holds a subject's reference, ID number or name", async () => {
    const applied = await call(
      "POST",
      `${gw.base("market-regulation")}/applications`,
      gw.key("market-regulation", "consumer"),
      {
        scenario: "open-homestay",
        subject: applicant(1),
      },
    );
    expect(applied.status).toBe(201);
    const figures = await call("GET", publicPath("/figures"), undefined);
    expect(figures.status).toBe(200);
    expect(figures.body.totals.applications).toBe(1);
    const days = Object.values(figures.body.byDay) as { applications: number; shared: number }[];
    expect(days.reduce((n, d) => n + d.applications, 0)).toBe(1);
    const sharedCards = applied.body.materials.filter(
      (m: { credentialType: string; outcome: { status: string; shared?: boolean } }) =>
        m.outcome.status === "waived" && m.outcome.shared,
    ).length;
    expect(days.reduce((n, d) => n + d.shared, 0)).toBe(sharedCards);
    expect(figures.body.verificationsSinceStart.valid).toBeGreaterThan(0);
    const verifications = Object.values(figures.body.verificationsSinceStart as Record<string, number>);
    expect((days as unknown as { verifications: number }[]).reduce((n, d) => n + d.verifications, 0)).toBe(
      verifications.reduce((a, b) => a + b, 0),
    );
    // One count serves the requests that follow it for a while: anyone may ask, and each count reads every store.
    const again = await call("GET", publicPath("/figures"), undefined);
    expect(again.body.countedAt).toBe(figures.body.countedAt);

    // Neither the subject's reference nor their ID number or name is in any public answer.
    const subjectRef = String(batched.record.subjectRef).toLowerCase().slice(2);
    const person = [applicant(1).idNumber, String((batched.record.fields as { name: string }).name)];
    const status = await call("POST", publicPath("/status"), undefined, {
      recordHash: batched.recordHash,
      issuerId: batched.record.issuerId,
      leaf: leafOf(batched.record),
      anchor: { batchRoot: batched.anchor.batchRoot, proof: batched.anchor.proof },
    });
    const answers = { status: status.body } as Record<string, unknown>;
    for (const path of ["/figures", "/catalogue", "/access-log-commitments/psb"]) {
      answers[path] = (await call("GET", publicPath(path), undefined)).body;
    }
    for (const [path, body] of Object.entries(answers)) {
      const text = JSON.stringify(body).toLowerCase();
      expect(text, path).not.toContain(subjectRef);
      for (const value of person) expect(text, path).not.toContain(value.toLowerCase());
    }
  });
});
