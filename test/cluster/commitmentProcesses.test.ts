// 告知承诺 across OS processes: anvil in its own, market regulation (deciding the homestay's business registration) and
// the housing commission (issuing house-safety appraisals) each in a gateway process of its own, over real HTTP. A
// commitment turns fulfilled by the market regulator's own follower once housing anchors the appraisal; a breached one
// revokes the licence on chain, which another process's verify and the audit CLI read as revoked; and one turns
// overdue when the market regulator's clock (only its process's) passes the check window.
import { existsSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDeployment } from "../../lib/chain/deploymentStore.ts";
import { call } from "../gateway/gatewayFixture.ts";
import { applicant, shop } from "../gateway/scenarioSupport.ts";
import { runScript } from "../scripts/processes.ts";
import { removeHandedOut } from "../support/leftBehind.ts";
import { issueAnchored, type ProcessSystem, processSystem, untilAnchored } from "./processSystem.ts";

/**
 * Debian's libfaketime (apt-get install faketime), preloaded into the market regulator's process only: its clock reads
 * the offset in a file the test writes, so the check window can end without waiting 30 days. .ci/run installs it.
 */
const FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
const fakesTime = existsSync(FAKETIME) || process.env.CI !== undefined;

const STATEMENT = "本人承诺：经营场所的房屋安全鉴定报告将于核查期限内取得并共享，如有不实愿承担法律责任。";

describe("commitments (告知承诺) across processes: the chain, market regulation and housing, each its own process", () => {
  let system: ProcessSystem;
  const at = () => system.base("market-regulation");

  /** Applies for the homestay, commits to the appraisal, and gets the business licence on the commitment. */
  async function commitAndLicense(n: number) {
    const person = applicant(n);
    const organisation = shop(n);
    const application = await call("POST", `${at()}/applications`, system.key("market-regulation", "consumer"), {
      scenario: "open-homestay",
      subject: person,
      organisation,
    });
    expect(application.status, JSON.stringify(application.body)).toBe(201);
    expect(application.body.matters[0].mayCommit).toEqual(["house-safety-appraisal"]);
    const committed = await call(
      "POST",
      `${at()}/applications/${application.body.applicationId}/commitments`,
      system.key("market-regulation", "consumer"),
      {
        subject: person,
        matter: "business-licence",
        materials: ["house-safety-appraisal"],
        statement: STATEMENT,
        confirmation: "electronic-signature",
        confirmedAt: new Date().toISOString(),
      },
    );
    expect(committed.status, JSON.stringify(committed.body)).toBe(201);
    const commitmentRecord = await untilAnchored(system, "market-regulation", committed.body.recordHash);
    const licence = await issueAnchored(system, "market-regulation", "business-licence", organisation);
    const named = await call(
      "POST",
      `${at()}/commitments/${committed.body.commitmentId}/produced`,
      system.key("market-regulation", "issuer"),
      { recordHash: licence.recordHash },
    );
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    return { person, organisation, commitment: committed.body, commitmentRecord, licence };
  }

  const readCommitment = async (id: string) =>
    (await call("GET", `${at()}/commitments/${id}`, system.key("market-regulation", "auditor"))).body;

  /** The market regulator's clock offset, as libfaketime reads it (at most a second late). */
  let clockFile = "";
  const setClock = (offset: string) => writeFileSync(clockFile, `${offset}\n`);

  beforeAll(async () => {
    system = await processSystem();
    clockFile = `${system.dataDir}/market-regulation-clock`;
    setClock("+0d");
    const fast = { GATEWAY_BATCH_WAIT_MS: "100" };
    const clock: Record<string, string> = fakesTime
      ? {
          LD_PRELOAD: FAKETIME,
          FAKETIME_TIMESTAMP_FILE: clockFile,
          FAKETIME_CACHE_DURATION: "1",
          // Timers run on the monotonic clock: left real, so a jump of the wall clock fires none of them early.
          FAKETIME_DONT_FAKE_MONOTONIC: "1",
        }
      : {};
    await Promise.all([
      system.start("market-regulation", { ...fast, ...clock, GATEWAY_COMMITMENT_CHECK_MS: "300" }),
      system.start("housing", fast),
    ]);
  }, 300_000);
  afterAll(async () => {
    await system?.cleanup();
  }, 60_000);

  it("turns a homestay commitment fulfilled by evidence once housing anchors the appraisal, with no request to check it", async () => {
    const { person, commitment, commitmentRecord } = await commitAndLicense(301);
    expect(commitmentRecord.record.credentialType).toBe("applicant-commitment");
    // Nothing arrived yet: the follower in the market regulator's process keeps it open.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await readCommitment(commitment.commitmentId)).status).toBe("open");
    await issueAnchored(system, "housing", "house-safety-appraisal", person);
    let status = "open";
    for (let i = 0; i < 100 && status === "open"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await readCommitment(commitment.commitmentId)).status;
    }
    const fulfilled = await readCommitment(commitment.commitmentId);
    expect(fulfilled).toMatchObject({
      status: "fulfilled",
      materials: [{ credentialType: "house-safety-appraisal", evidence: { issuer: "housing", status: "valid" } }],
    });
    // The housing process logged the market regulator's queries under the homestay scenario and the application.
    const log = await call("GET", `${system.base("housing")}/access-log?limit=1000`, system.key("housing", "auditor"));
    expect(log.body.entries).toContainEqual(
      expect.objectContaining({
        consumer: "market-regulation",
        credentialType: "house-safety-appraisal",
        purpose: "open-homestay",
        applicationId: commitment.applicationId,
        outcome: expect.stringMatching(/^(shared|evidence-only)$/),
      }),
    );
  }, 120_000);

  it("revokes the licence of a breached commitment on chain: verify at another process and the audit CLI read it revoked", async () => {
    const { person, organisation, commitment, licence } = await commitAndLicense(302);
    const breached = await call(
      "POST",
      `${at()}/commitments/${commitment.commitmentId}/breach`,
      system.key("market-regulation", "issuer"),
      { reason: "material-not-provided" },
    );
    expect(breached.status, JSON.stringify(breached.body)).toBe(200);
    expect(breached.body.breach).toMatchObject({ reason: "material-not-provided", revokedRecord: licence.recordHash });
    const verified = await call(
      "POST",
      `${system.base("housing")}/verify?fresh=true`,
      system.key("housing", "consumer"),
      {
        record: licence.record,
        recordHash: licence.recordHash,
      },
    );
    expect(verified.body).toMatchObject({ status: "revoked", evidence: { revocationReason: 16 } });
    const file = `${system.dataDir}/licence.json`;
    writeFileSync(file, JSON.stringify(licence));
    const { directory } = readDeployment(system.dataDir, 31337) as { directory: string };
    const audit = runScript("audit.ts", ["verify-record", file, "--rpc", system.rpcUrl, "--directory", directory], {});
    expect(await audit.exited, audit.output()).toBe(1);
    removeHandedOut(file);
    expect(audit.stdout()).toMatch(
      /^✘ status: revoked at .* \(reason 16 \(approved on the applicant's commitment, which was breached\)\)/m,
    );
    // The applicant's next application at the market regulator shows the breach and takes no commitment of theirs.
    const again = await call("POST", `${at()}/applications`, system.key("market-regulation", "consumer"), {
      scenario: "open-homestay",
      subject: person,
      organisation,
    });
    expect(again.body.breachedCommitments).toEqual([
      expect.objectContaining({ commitmentId: commitment.commitmentId, reason: "material-not-provided" }),
    ]);
    expect(again.body.matters[0].mayCommit).toEqual([]);
    expect(again.body.matters[0].required).toContain("house-safety-appraisal");
  }, 120_000);

  it.skipIf(!fakesTime)(
    "turns a commitment overdue once the market regulator's clock passes the 30-day check window",
    async () => {
      const { commitment } = await commitAndLicense(303);
      expect((await readCommitment(commitment.commitmentId)).status).toBe("open");
      try {
        setClock("+31d");
        let read = await readCommitment(commitment.commitmentId);
        for (let i = 0; i < 100 && read.status === "open"; i++) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          read = await readCommitment(commitment.commitmentId);
        }
        expect(read.status).toBe("overdue");
        expect(Date.parse(read.overdueAt)).toBeGreaterThanOrEqual(Date.parse(read.dueAt));
        const log = await call("GET", `${at()}/access-log?limit=1000`, system.key("market-regulation", "auditor"));
        const steps = log.body.entries
          .filter((e: { recordHash?: string }) => e.recordHash === commitment.recordHash)
          .map((e: { outcome: string }) => e.outcome)
          // Reading the commitment's record back (GET /records) is an entry of its own, outcome read.
          .filter((outcome: string) => outcome !== "read");
        expect(steps).toEqual(["committed", "overdue"]);
      } finally {
        setClock("+0d");
      }
    },
    120_000,
  );
});
