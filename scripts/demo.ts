// npm run demo: the convenience-store and homestay scenarios against a running `npm start` or `npm run cluster`, told
// step by step: an application before any department shared data, the issuers anchoring their records, the same
// application again. Each department is called at its own gateway, wherever the running system has it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { disclosureCodePng } from "../lib/records/disclosureCode.ts";
import { runCli } from "./lib/cli.ts";
import { applicant, FIELDS, ISSUER, shop } from "./lib/demo/samples.ts";
import { applicationTally } from "./lib/demo/tally.ts";
import { readDevApiKeys, type DevApiKeys as Tokens } from "./lib/devApiKeys.ts";
import { localSystem } from "./lib/runningSystem.ts";

type Subject = { idType: string; idNumber: string };
// biome-ignore lint/suspicious/noExplicitAny: the demo prints whatever the gateway answers.
type Json = any;

const system = localSystem();
const dataDir = system.dataDir;
/** Every application this run made, as last answered. */
const tally = applicationTally();

/** `path` under the department's URL, on the gateway that hosts it. */
async function request(method: string, department: string, path: string, token: string, body?: unknown): Promise<Json> {
  const url = `${system.departmentUrl(department)}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new Error(`no gateway answers at ${url}: is the system running (npm start or npm run cluster)?`);
  }
  const json: Json = await response.json();
  if (!response.ok)
    throw new Error(`${method} ${url}: ${response.status} ${json.code ?? ""} ${json.detail ?? json.title ?? ""}`);
  return json;
}

/** A fresh synthetic applicant and shop per run, so "before" really is before. */
function nextRun(): number {
  const file = `${dataDir}/gateway/demo-runs`;
  const run = existsSync(file) ? Number(readFileSync(file, "utf8")) + 1 : 1;
  mkdirSync(`${dataDir}/gateway`, { recursive: true });
  writeFileSync(file, String(run));
  return run;
}

/** The reasons an application gives, in plain words. */
const REASONS: Record<string, string> = {
  "not-found": "no record of it yet at",
  "not-granted": "not shared with this department by",
  revoked: "revoked by",
  expired: "expired at",
  superseded: "replaced by a newer record at",
  "subject-not-given": "the applicant's organisation was not named, for",
  unreachable: "could not reach",
  timeout: "no answer in time from",
  "no-endpoint": "no gateway on chain for",
  "peer-error": "an answer it could not read from",
  "chain-unavailable": "the chain did not answer, for",
};

/** An unavailable material is one the gateway could not check now (an issuer down or slow): it may be waived later. */
const MARK = { waived: "✔ waived  ", required: "✘ required", unavailable: "… could not be checked now" } as const;

/** Sends an application (new without an id, or re-evaluated with the id the gateway gave it) and counts it. */
async function apply(at: string, token: string, body: Record<string, unknown>): Promise<Json> {
  const answer = await request("POST", at, "/applications", token, body);
  tally.add(answer);
  return answer;
}

function printApplication(application: Json): void {
  for (const m of application.materials) {
    const o = m.outcome;
    const how =
      o.status === "waived"
        ? `from ${o.evidence.issuer}, ${o.shared ? "data shared" : "evidence only (no grant for the data)"}, verified on chain as of block ${o.evidence.asOfBlock}`
        : `${REASONS[o.reason] ?? o.reason}${o.issuer ? ` ${o.issuer}` : ""}`;
    console.log(`    ${MARK[o.status as keyof typeof MARK] ?? o.status}  ${m.nameZh} ${m.nameEn}: ${how}`);
  }
  const c = application.counts;
  console.log(
    `    → ${c.waived} of ${c.materials} materials waived, ${c.required} still to submit, ${c.unavailable} could not be checked now`,
  );
}

async function issueAndAnchor(tokens: Tokens, type: string, subject: Subject): Promise<string> {
  const department = ISSUER[type] as string;
  const token = tokens[department]?.issuer as string;
  const issued = await request("POST", department, "/records", token, {
    credentialType: type,
    subject,
    fields: FIELDS[type],
  });
  for (let i = 0; i < 100; i++) {
    const { anchor } = await request("GET", department, `/records/${issued.recordHash}`, token);
    if (anchor.state === "anchored") {
      console.log(
        `    ${department} issued ${type}: record ${issued.recordHash.slice(0, 12)}… anchored in block ${anchor.blockNumber}`,
      );
      return issued.recordHash;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${type} was not anchored within 20 s; is the chain running?`);
}

async function scenario(
  tokens: Tokens,
  code: string,
  at: string,
  person: Subject,
  business: Subject,
  givenBefore: string[],
) {
  const consumer = tokens[at]?.consumer as string;
  const definition = await request("GET", at, `/catalogue/scenarios/${code}`, consumer);
  const materials = new Set(definition.matters.flatMap((m: Json) => m.materials));
  console.log(
    `\n${definition.nameZh} (${definition.nameEn}): ${definition.matters.length} matters, ${materials.size} materials`,
  );
  console.log(
    `  (a matter is one department's approval step, such as a licence or a registration; the materials are the documents those steps ask for, ${materials.size} different ones here)`,
  );
  console.log(
    `  definition hash ${definition.definitionHash} ${definition.verified ? "matches the chain" : "DOES NOT match the chain"}`,
  );
  const body = { scenario: code, subject: person, organisation: business };

  console.log(`\n  1. The applicant applies at ${at} before any department has shared data:`);
  const first = await apply(at, consumer, body);
  printApplication(first);

  console.log("\n  2. The departments that hold the applicant's documents issue and anchor them:");
  for (const type of givenBefore) await issueAndAnchor(tokens, type, person);

  console.log(`\n  3. The same application at ${at} (${first.applicationId}), now with the shared data:`);
  printApplication(await apply(at, consumer, { ...body, applicationId: first.applicationId }));
}

/** One matter of a scenario as another department's step sees it: what is waived, what must still come. */
async function printMatter(
  at: string,
  tokens: Tokens,
  code: string,
  matterCode: string,
  parties: Json,
  stillLabel: string,
) {
  const answer = await apply(at, tokens[at]?.consumer as string, { scenario: code, ...parties });
  const matter = answer.matters.find((m: Json) => m.code === matterCode);
  const names = new Map(answer.materials.map((m: Json) => [m.credentialType, `${m.nameZh} ${m.nameEn}`]));
  const named = (codes: string[]) => codes.map((c) => names.get(c) ?? c).join("; ") || "nothing";
  console.log(`    ${matter.nameZh} (${matter.nameEn}), at ${at}:`);
  console.log(`      waived: ${named(matter.waived)}`);
  console.log(`      ${stillLabel}: ${named(matter.required)}`);
  if (matter.mayCommit?.length > 0) {
    console.log(`      may be committed to instead (告知承诺): ${named(matter.mayCommit)}`);
  }
  return answer;
}

/**
 * Minimal disclosure: which fields of one material the issuer disclosed to the department (those its matters in the
 * scenario name) and which it withheld, never sent: the type's other fields.
 */
async function printDisclosed(tokens: Tokens, at: string, application: Json, type: string) {
  const material = application.materials.find((m: Json) => m.credentialType === type);
  const outcome = material?.outcome;
  if (outcome?.status !== "waived" || !outcome.shared) return;
  const token = tokens[at]?.consumer as string;
  const [definition, scenario] = await Promise.all([
    request("GET", at, `/catalogue/types/${type}`, token),
    request("GET", at, `/catalogue/scenarios/${application.scenario.code}`, token),
  ]);
  const all = Object.keys(definition.schema.properties ?? {});
  const needed = new Set<string>(
    scenario.matters
      .filter((m: Json) => m.department === at && m.materials.includes(type))
      .flatMap((m: Json) => m.fields[type] ?? []),
  );
  const disclosed: string[] = outcome.disclosed ?? [];
  const lacking = [...needed].filter((f) => !disclosed.includes(f));
  console.log(`    ${material.nameZh} (${material.nameEn}) as ${outcome.evidence.issuer} disclosed it to ${at}:`);
  console.log(`      fields disclosed: ${disclosed.join(", ")} (each proved a field of the anchored record)`);
  if (lacking.length > 0) console.log(`      asked for, not in this record: ${lacking.join(", ")}`);
  console.log(
    `      fields withheld:  ${all.filter((f) => !needed.has(f)).join(", ")} (not needed by ${at}'s matters; never sent)`,
  );
}

/**
 * A disclosure the shop carries of its own licence: market regulation's counter gives its representative a
 * self-service token for the shop, and with it the shop gets the licence's name and address, as a file and as a QR
 * code to print on a certificate, for anyone to check against the chain alone.
 */
async function writeDisclosure(tokens: Tokens, business: Subject, recordHash: string) {
  const counter = tokens["market-regulation"]?.consumer as string;
  const { token } = await request("POST", "market-regulation", "/access-log/self-service-tokens", counter, {
    subject: business,
  });
  const own = await request(
    "GET",
    "market-regulation",
    `/self-service/records/${recordHash}/disclosure?fields=name,domicile`,
    token,
  );
  mkdirSync(`${dataDir}/demo`, { recursive: true });
  const file = `${dataDir}/demo/business-licence-name-and-address`;
  writeFileSync(`${file}.json`, `${JSON.stringify(own.disclosure, null, 2)}\n`);
  writeFileSync(`${file}.png`, await disclosureCodePng(own.code));
  if (own.svg) writeFileSync(`${file}.svg`, own.svg);
  console.log(
    `    the shop's own disclosure of its licence's name and address (self-service, with a counter's token):`,
  );
  console.log(`      as a file: ${file}.json`);
  console.log(`      as a QR code to print (${own.code.length} characters): ${file}.png${own.svg ? " and .svg" : ""}`);
  console.log(`      anyone checks either against the chain alone: npm run audit -- verify-disclosure ${file}.png`);
}

const STATEMENT =
  "本人承诺：所申请经营场所的房屋安全鉴定报告将在核查期限内由区住房和城乡建设委员会出具并共享；如承诺不实，" +
  "愿承担撤销许可等相应法律责任。(I commit that the house-safety appraisal of the premises will be issued and " +
  "shared by the district housing commission within the check window; if not, the licence may be revoked.)";

/** A record of this department, as its issuer reads it back: the canonical record, for anyone to verify. */
async function recordOf(tokens: Tokens, department: string, recordHash: string): Promise<Json> {
  return request("GET", department, `/records/${recordHash}`, tokens[department]?.issuer as string);
}

/** Waits until the department's record is anchored; returns its anchor. */
async function anchored(tokens: Tokens, department: string, recordHash: string): Promise<Json> {
  for (let i = 0; i < 100; i++) {
    const { anchor } = await recordOf(tokens, department, recordHash);
    if (anchor.state === "anchored") return anchor;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`record ${recordHash.slice(0, 12)}… was not anchored within 20 s; is the chain running?`);
}

/**
 * 告知承诺: a homestay applicant whose house-safety appraisal no department has shared yet commits to it at market
 * regulation and gets the business licence the same day. Returns the commitment as recorded and the licence.
 */
async function commitAndLicense(tokens: Tokens, person: Subject, business: Subject, label: string) {
  const at = "market-regulation";
  const consumer = tokens[at]?.consumer as string;
  const body = { scenario: "open-homestay", subject: person, organisation: business };
  const application = await apply(at, consumer, body);
  const matter = application.matters.find((m: Json) => m.code === "business-licence");
  console.log(
    `    ${label} applies at ${at}: the business registration may take a commitment for ${matter.mayCommit.join(", ")} (${matter.commitment.replacesDays} days' statutory limit; checked by ${matter.commitment.checkedBy} within ${matter.commitment.checkWithinDays} days)`,
  );
  const commitment = await request("POST", at, `/applications/${application.applicationId}/commitments`, consumer, {
    subject: person,
    matter: "business-licence",
    materials: matter.mayCommit,
    statement: STATEMENT,
    confirmation: "handwritten-signature",
    confirmedAt: new Date().toISOString(),
  });
  const anchor = await anchored(tokens, at, commitment.recordHash);
  console.log(
    `    the commitment is recorded (${commitment.commitmentId}) as an applicant-commitment record ${commitment.recordHash.slice(0, 12)}…, anchored in block ${anchor.blockNumber}; to be checked by the end of ${commitment.checkBy} (Beijing time)`,
  );
  const licence = await request("POST", at, "/records", tokens[at]?.issuer as string, {
    credentialType: "business-licence",
    subject: business,
    fields: FIELDS["business-licence"],
  });
  await anchored(tokens, at, licence.recordHash);
  await request("POST", at, `/commitments/${commitment.commitmentId}/produced`, tokens[at]?.issuer as string, {
    recordHash: licence.recordHash,
  });
  console.log(
    `    即来即办: the business licence is issued the same day (record ${licence.recordHash.slice(0, 12)}…) instead of in ${matter.commitment.replacesDays} days`,
  );
  return { commitment, licence };
}

async function commitments(tokens: Tokens, run: number, since: string) {
  console.log("\n告知承诺 (approval on the applicant's commitment), checked afterwards on chain");
  const first = { person: applicant(500 + ((2 * run) % 500)), business: shop(5000 + ((2 * run) % 5000)) };
  const second = { person: applicant(500 + ((2 * run + 1) % 500)), business: shop(5000 + ((2 * run + 1) % 5000)) };
  const at = "market-regulation";
  console.log(
    "\n  1. Homestay applicant A (a new one, not the applicants above), whose house-safety appraisal is not shared yet, commits to it:",
  );
  const kept = await commitAndLicense(tokens, first.person, first.business, "Homestay applicant A");
  console.log("\n  2. The housing commission issues the appraisal a little later; the commitment is checked on chain:");
  await issueAndAnchor(tokens, "house-safety-appraisal", first.person);
  const checked = await request(
    "POST",
    at,
    `/commitments/${kept.commitment.commitmentId}/check`,
    tokens[at]?.consumer as string,
    {},
  );
  const evidence = checked.materials[0]?.evidence;
  console.log(
    `    commitment ${checked.status}${evidence ? `: ${checked.materials[0].credentialType} found at ${evidence.issuer}, ${evidence.status} as of block ${evidence.asOfBlock}` : ""} (no person involved: the evidence is the issuer's anchored record)`,
  );

  console.log("\n  3. Applicant B commits the same way, and the appraisal never comes:");
  const broken = await commitAndLicense(tokens, second.person, second.business, "Homestay applicant B");
  const breached = await request(
    "POST",
    at,
    `/commitments/${broken.commitment.commitmentId}/breach`,
    tokens[at]?.issuer as string,
    { reason: "material-not-provided" },
  );
  const { record, recordHash } = await recordOf(tokens, at, broken.licence.recordHash);
  const verdict = await request("POST", "psb", "/verify?fresh=true", tokens.psb?.consumer as string, {
    record,
    recordHash,
  });
  console.log(
    `    market regulation marks it ${breached.status} (${breached.breach.reason}): the licence is revoked on chain, reason code ${verdict.evidence?.revocationReason ?? "?"}; verified at psb it reads ${verdict.status}`,
  );
  const next = await apply(at, tokens[at]?.consumer as string, {
    scenario: "open-homestay",
    subject: second.person,
    organisation: second.business,
  });
  const matter = next.matters.find((m: Json) => m.code === "business-licence");
  console.log(
    `    applicant B applies again: ${next.breachedCommitments?.length ?? 0} broken commitment shown to ${at}; may commit to: ${matter.mayCommit.join(", ") || "nothing (the materials are to be submitted)"}`,
  );

  console.log(`\n  4. The district's figures since this run began (${since}), from every department's gateway:`);
  const sum: Record<string, number> = {};
  // Under npm run cluster only the departments it started have a gateway to ask.
  const running = system.running?.departments;
  for (const [department, roles] of Object.entries(tokens)) {
    if (!roles.auditor || (running && !running[department])) continue;
    const figures = await request("GET", department, `/figures?from=${encodeURIComponent(since)}`, roles.auditor);
    if (figures.applications === 0 && figures.commitments === 0) continue;
    for (const [key, value] of Object.entries(figures)) {
      if (typeof value === "number") sum[key] = (sum[key] ?? 0) + value;
    }
    console.log(
      `    ${department}: ${figures.applications} application${figures.applications === 1 ? "" : "s"}, ${figures.materialsWaived} materials waived by shared data, ${figures.materialsCommitted} accepted on commitment; commitments ${figures.fulfilled} fulfilled, ${figures.open} open, ${figures.overdue} overdue, ${figures.breached} breached; ${figures.daysSaved} days of waiting saved`,
    );
  }
  console.log(
    `    district: ${sum.applications ?? 0} applications, ${sum.materialsWaived ?? 0} of ${sum.materialsRequested ?? 0} materials no longer collected, ${sum.materialsCommitted ?? 0} accepted on commitment, ${sum.fulfilled ?? 0} fulfilled, ${sum.breached ?? 0} breached, ${sum.daysSaved ?? 0} days of waiting saved`,
  );
}

runCli(async () => {
  const since = new Date().toISOString();
  const tokens = readDevApiKeys(dataDir);
  const cluster = system.running?.departments;
  const run = nextRun();
  const store = { person: applicant(2 * run), business: shop(2 * run) };
  const homestay = { person: applicant(2 * run + 1), business: shop(2 * run + 1) };
  const against = cluster
    ? `the ${Object.keys(cluster).length} gateway processes of npm run cluster, one per department`
    : system.gatewayUrl;
  console.log(`oncechain demo against ${against} (synthetic applicants of run ${run}; no real person or shop)`);
  console.log(
    `Each run makes up a new applicant and shop (run ${run}'s), whom no department has issued anything for yet, so that "before" really is before.`,
  );

  await scenario(tokens, "open-convenience-store", "market-regulation", store.person, store.business, [
    "resident-id-card",
    "real-estate-title",
    "house-lease-registration",
    "health-certificate",
  ]);
  console.log("\n  4. Market regulation issues the business licence; the tobacco bureau's step now finds it shared:");
  const licence = await issueAndAnchor(tokens, "business-licence", store.business);
  const storeParties = { subject: store.person, organisation: store.business };
  const atTobacco = await printMatter(
    "tobacco",
    tokens,
    "open-convenience-store",
    "tobacco-retail-licence",
    storeParties,
    "still to submit",
  );
  await printDisclosed(tokens, "tobacco", atTobacco, "business-licence");
  await writeDisclosure(tokens, store.business, licence);

  await scenario(tokens, "open-homestay", "market-regulation", homestay.person, homestay.business, [
    "resident-id-card",
    "household-registration",
    "real-estate-title",
    "house-safety-appraisal",
    "health-certificate",
  ]);
  console.log(
    "\n  4. The homestay's own licences are issued in turn; the culture and tourism bureau's registration step finds them:",
  );
  await issueAndAnchor(tokens, "business-licence", homestay.business);
  await issueAndAnchor(tokens, "fire-safety-inspection", homestay.business);
  const homestayParties = { subject: homestay.person, organisation: homestay.business };
  await printMatter(
    "culture-tourism",
    tokens,
    "open-homestay",
    "homestay-registration",
    homestayParties,
    "still to come from their own steps",
  );

  const t = tally.total();
  const where = Object.entries(t.byDepartment)
    .map(([department, n]) => `${department} ${n}`)
    .join(", ");
  console.log(
    `\nThis run's ${t.applications} applications (${where}), as last evaluated: ${t.waived} of their ${t.materials} materials no longer collected, ${t.required} still to submit, ${t.unavailable} could not be checked now.`,
  );
  const log = await request("POST", "psb", "/access-log/mine", tokens.psb?.consumer as string, {
    subject: store.person,
  });
  // The lookup itself is an entry (history) in every department's log; the accesses are the rest.
  const accesses = log.entries.filter((e: Json) => e.outcome !== "history");
  console.log(
    `Asked at the public security bureau's counter, the departments' logs show ${accesses.length} accesses to the convenience-store applicant's records, each checked against the chain (the first ${Math.min(6, accesses.length)} shown):`,
  );
  for (const e of accesses.slice(0, 6)) {
    const what = e.credentialType ? ` ${e.credentialType}` : "";
    const why = e.purpose ? ` for ${e.purpose}` : "";
    console.log(
      `    ${e.at} ${e.department}: ${e.consumer ?? "an unnamed sender"} asked for${what}${why}: ${e.outcome} (${e.check})`,
    );
  }
  await commitments(tokens, run, since);
  console.log("\nLet data travel so people don't have to.");
});
