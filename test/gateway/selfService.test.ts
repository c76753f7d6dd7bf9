// Who accessed my data: a citizen's view across the departments' own logs, asked of each department's gateway over
// HTTP (two gateways on their own ports in this process) and checked against the chain, opened by a token a counter
// gives after checking identity.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessLogEntries } from "../../services/gateway/src/audit/accessLog.ts";
import { seqKey } from "../../services/gateway/src/store/departmentStore.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "./gatewayFixture.ts";
import { anchorAll, applicant, expectProblem, FIELDS, issue, runtime, shop } from "./scenarioSupport.ts";
import { setEndpointOnChain } from "./support.ts";

describe("a citizen's view of who accessed their data, across departments", () => {
  let chain: SeededChain;
  let window: RunningGateway;
  let issuers: RunningGateway;
  let clock = Date.now();
  const person = applicant(61);
  const stranger = applicant(62);
  const ISSUERS = ["psb", "housing", "real-estate-registry", "health"];
  const counter = () => window.key("market-regulation", "consumer");
  const tokenFor = async (subject: typeof person) => {
    const issued = await call("POST", `${window.base("market-regulation")}/access-log/self-service-tokens`, counter(), {
      subject,
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    return issued.body.token as string;
  };
  const view = (token: string) => call("GET", `${window.base("market-regulation")}/access-log/self-service`, token);

  /** Both gateways must see it: the window calls the endpoint, the issuer checks signatures against it. */
  const setEndpoint = (code: string, url: string) => setEndpointOnChain(chain, [window, issuers], code, url);

  beforeAll(async () => {
    chain = await seededChain();
    const now = () => clock;
    window = await startGateway(chain, ["market-regulation"], { dataSubdir: "window", federationTimeoutMs: 800, now });
    issuers = await startGateway(chain, ISSUERS, { dataSubdir: "issuers", now });
    for (const code of ISSUERS) await setEndpoint(code, issuers.url);
    for (const type of ["resident-id-card", "real-estate-title", "house-lease-registration", "health-certificate"])
      await issue(issuers, type, person);
    await anchorAll(issuers, ISSUERS);
    const applied = await call("POST", `${window.base("market-regulation")}/applications`, counter(), {
      scenario: "open-convenience-store",
      subject: person,
      organisation: shop(61),
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  });
  afterAll(async () => {
    await window?.close();
    await issuers?.close();
    chain?.cleanup();
  });

  it("shows every department's accesses to the citizen's records, each proved against the chain once committed", async () => {
    for (const code of ISSUERS) {
      const committed = await call(
        "POST",
        `${issuers.base(code)}/access-log/commit`,
        issuers.key(code, "operator"),
        {},
      );
      expect(committed.status, JSON.stringify(committed.body)).toBe(200);
    }
    const answer = await view(await tokenFor(person));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const accesses = answer.body.accesses.filter((a: { entry: { outcome: string } }) => a.entry.outcome !== "history");
    const byDepartment = Object.fromEntries(
      accesses.map((a: { department: string; entry: { credentialType: string } }) => [
        a.department,
        a.entry.credentialType,
      ]),
    );
    expect(byDepartment).toMatchObject({
      psb: "resident-id-card",
      "real-estate-registry": "real-estate-title",
      housing: "house-lease-registration",
      health: "health-certificate",
    });
    for (const access of accesses) {
      expect(access).toMatchObject({
        check: "proved",
        consumer: "market-regulation",
        consumerNameZh: expect.any(String),
      });
      expect(access.commitment.txHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(access.entry.applicationId).toMatch(/^app-/);
    }
    // This view is itself in each department's log, not committed yet: who read the history, and how.
    const reads = answer.body.accesses.filter((a: { entry: { outcome: string } }) => a.entry.outcome === "history");
    expect(reads.length).toBe(ISSUERS.length + 1);
    for (const read of reads) expect(read.check).toBe("uncommitted");
    expect(reads.find((r: { department: string }) => r.department === "market-regulation").entry).toMatchObject({
      channel: "api",
      consumer: "market-regulation",
      role: "citizen",
      keyId: expect.stringMatching(/^self-service:[0-9a-f]{12}$/),
    });
    expect(reads.find((r: { department: string }) => r.department === "psb").entry).toMatchObject({
      channel: "peer",
      consumer: "market-regulation",
    });
    const answered = answer.body.departments.filter((d: { status: string }) => d.status === "answered");
    expect(answered.map((d: { department: string }) => d.department).sort()).toEqual(
      [...ISSUERS, "market-regulation"].sort(),
    );
  });

  it("marks an access no commitment covers yet as uncommitted, and one a department altered as not proved", async () => {
    // A read through psb's own API after its commitment: in the log, not yet on chain.
    const records = await call("GET", `${issuers.base("psb")}/access-log?limit=1`, issuers.key("psb", "auditor"));
    const recordHash = records.body.entries[0].recordHash as string;
    expect(
      (await call("GET", `${issuers.base("psb")}/records/${recordHash}`, issuers.key("psb", "auditor"))).status,
    ).toBe(200);
    // housing's first entry edited in its store after it was committed: its answer no longer hashes as it did.
    const housing = accessLogEntries(runtime(issuers, "housing").store);
    const first = await housing.get(seqKey(1));
    await housing.put(seqKey(1), { ...(first as NonNullable<typeof first>), purpose: "open-homestay" });
    const answer = await view(await tokenFor(person));
    const checks = answer.body.accesses.map((a: { department: string; check: string; entry: { outcome: string } }) => [
      a.department,
      a.entry.outcome,
      a.check,
    ]);
    expect(checks).toContainEqual(["psb", "read", "uncommitted"]);
    expect(checks).toContainEqual(["housing", "shared", "not-proved"]);
    expect(checks).toContainEqual(["health", "shared", "proved"]);
  });

  it("shows another subject none of the first one's accesses", async () => {
    const answer = await view(await tokenFor(stranger));
    expect(answer.status).toBe(200);
    // Only this view itself, in each department's log.
    expect(answer.body.accesses.length).toBeGreaterThan(0);
    for (const access of answer.body.accesses) {
      expect(access.entry).toMatchObject({ outcome: "history", consumer: "market-regulation" });
    }
  });

  it("lists a department whose gateway does not answer as unavailable, and answers the others", async () => {
    await setEndpoint("health", "http://127.0.0.1:9");
    try {
      const answer = await view(await tokenFor(person));
      expect(answer.status).toBe(200);
      const health = answer.body.departments.find((d: { department: string }) => d.department === "health");
      expect(health).toMatchObject({ status: "unavailable", reason: "unreachable", entries: 0 });
      expect(answer.body.accesses.some((a: { department: string }) => a.department === "psb")).toBe(true);
    } finally {
      await setEndpoint("health", issuers.url);
    }
  });

  /** An endpoint in front of the issuers' gateway that passes requests on and rewrites health's answers. */
  async function rewritingHealth(rewrite: (answer: Record<string, unknown>) => unknown): Promise<Server> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const target = new URL(issuers.url);
        const forward = request(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (answer) => {
            const parts: Buffer[] = [];
            answer.on("data", (c) => parts.push(c));
            answer.on("end", () => {
              const text = Buffer.concat(parts).toString("utf8");
              const body = answer.statusCode === 200 ? JSON.stringify(rewrite(JSON.parse(text))) : text;
              res.writeHead(answer.statusCode ?? 502, { "content-type": "application/json" }).end(body);
            });
          },
        );
        forward.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    await setEndpoint("health", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return server;
  }
  const healthOf = async () =>
    (await view(await tokenFor(person))).body as {
      accesses: { department: string; check: string; entry: { outcome: string } }[];
      departments: { department: string; status: string; reason?: string }[];
    };

  it("lists a department whose answer is not entries as unavailable, and answers the others", async () => {
    const server = await rewritingHealth((answer) => ({
      ...answer,
      entries: [{ entry: { seq: 1, subjectRef: "0x" }, uncommitted: true }],
    }));
    try {
      const answer = await healthOf();
      expect(answer.departments.find((d) => d.department === "health")).toMatchObject({
        status: "unavailable",
        reason: "peer-error",
      });
      expect(answer.accesses.some((a) => a.department === "psb" && a.check === "proved")).toBe(true);
    } finally {
      await setEndpoint("health", issuers.url);
      server.close();
    }
  });

  it("takes an entry a department read as uncommitted before its commitment as uncommitted, and later as not proved", async () => {
    const asUncommitted = (asOfBlock: number) => (answer: Record<string, unknown>) => ({
      ...answer,
      asOfBlock,
      entries: (answer.entries as { entry: unknown }[]).map(({ entry }) => ({ entry, uncommitted: true })),
    });
    const health = runtime(issuers, "health");
    const [committed] = (await health.logCommitments.read()).commitments;
    const checksAt = async (asOfBlock: number) => {
      const server = await rewritingHealth(asUncommitted(asOfBlock));
      try {
        return (await healthOf()).accesses
          .filter((a) => a.department === "health" && a.entry.outcome === "shared")
          .map((a) => a.check);
      } finally {
        await setEndpoint("health", issuers.url);
        server.close();
      }
    };
    expect(await checksAt((committed?.blockNumber ?? 0) - 1)).toEqual(["uncommitted"]);
    expect(await checksAt(committed?.blockNumber ?? 0)).toEqual(["not-proved"]);
  });

  it("refuses a made-up token, an API key and a token past its 15 minutes with 401 SELF_SERVICE_TOKEN_INVALID", async () => {
    const token = await tokenFor(person);
    expectProblem(await view(`ocs_${"A".repeat(32)}`), "SELF_SERVICE_TOKEN_INVALID");
    expectProblem(await view(counter()), "SELF_SERVICE_TOKEN_INVALID");
    expectProblem(
      await call("GET", `${window.base("market-regulation")}/access-log/self-service`, undefined),
      "SELF_SERVICE_TOKEN_INVALID",
    );
    clock += 15 * 60_000 + 1;
    expectProblem(await view(token), "SELF_SERVICE_TOKEN_INVALID");
  });

  it("keeps the ID number out of the token, its answer and the log lines, and gives tokens only to counter keys", async () => {
    const token = await tokenFor(person);
    expect(token).not.toContain(person.idNumber);
    const answer = await view(token);
    expect(JSON.stringify(answer.body)).not.toContain(person.idNumber);
    expect(JSON.stringify(answer.body)).not.toContain(String(FIELDS["resident-id-card"]?.name));
    const auditor = window.key("market-regulation", "auditor");
    expectProblem(
      await call("POST", `${window.base("market-regulation")}/access-log/self-service-tokens`, auditor, {
        subject: person,
      }),
      "FORBIDDEN_ROLE",
    );
  });

  it("answers the counter's lookup across departments too, without hashes, references or exact times", async () => {
    const mine = await call("POST", `${window.base("market-regulation")}/access-log/mine`, counter(), {
      subject: person,
    });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    const accesses = mine.body.entries.filter((e: { outcome: string }) => e.outcome !== "history");
    const departments = new Set(accesses.map((e: { department: string }) => e.department));
    expect(departments).toEqual(new Set(ISSUERS));
    // The altered housing entry is shown as such at the counter too.
    expect(accesses.find((e: { department: string }) => e.department === "housing").check).toBe("not-proved");
    const text = JSON.stringify(mine.body);
    expect(text).not.toMatch(/subjectRef|entryHash|prevHash|"seq"|proof/);
    for (const entry of mine.body.entries) expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
  });
});
