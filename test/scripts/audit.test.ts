// npm run audit as an auditor runs it: its own process, given only the chain's RPC URL and the RegistryDirectory's
// address, against a system started as processes (npm start: anvil, the deployment, the seeded catalogue, a gateway
// that issued the records it checks).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disclosureCode, disclosureCodePng, disclosureCodeText } from "../../lib/records/disclosureCode.ts";
import { projectRoot } from "../../scripts/lib/paths.ts";
import { copySeeds, editSeedJson, removeSeedCopies } from "../catalogue/seedCopies.ts";
import { idCardRequest, residentId } from "../gateway/support.ts";
import { removeHandedOut, removeTestDir } from "../support/leftBehind.ts";
import { freePort, runNpm, runScript, type Started } from "./processes.ts";

interface IssuedRecord {
  recordHash: string;
  record: Record<string, unknown> & { fields: Record<string, unknown> };
  anchor: { state: string; batchRoot?: string; proof?: string[] };
}

describe("npm run audit, against the chain alone", () => {
  const dataDir = mkdtempSync(`${tmpdir()}/oncechain-audit-`);
  const files = mkdtempSync(`${tmpdir()}/oncechain-audit-files-`);
  let system: Started;
  let chain: string[];
  let rpcUrl: string;
  const file = (name: string, content: unknown) => {
    const path = `${files}/${name}`;
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return path;
  };

  async function audit(...args: string[]) {
    const run = runScript("audit.ts", args, {});
    const code = await run.exited;
    return { code, stdout: run.stdout(), output: run.output() };
  }

  beforeAll(async () => {
    const chainPort = await freePort();
    const gatewayPort = await freePort();
    rpcUrl = `http://127.0.0.1:${chainPort}`;
    // Two records a batch, anchored only once both are there: each has a proof of one node.
    system = runScript("start.ts", [], {
      ONCECHAIN_DATA_DIR: dataDir,
      CHAIN_PORT: String(chainPort),
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_BATCH_SIZE: "2",
      GATEWAY_BATCH_WAIT_MS: "600000",
    });
    await system.waitFor(/ready in [\d.]+ s/, 240_000);
    const { directory } = JSON.parse(readFileSync(`${dataDir}/deployments/31337.json`, "utf8"));
    chain = ["--rpc", rpcUrl, "--directory", directory];

    const tokens = JSON.parse(readFileSync(`${dataDir}/gateway/dev-api-keys.json`, "utf8"));
    const base = `http://127.0.0.1:${gatewayPort}/departments/psb`;
    const headers = { authorization: `Bearer ${tokens.psb.issuer}`, "content-type": "application/json" };
    const read = async (recordHash: string) =>
      (await (await fetch(`${base}/records/${recordHash}`, { headers })).json()) as IssuedRecord;
    const issued = await Promise.all(
      [931, 932].map(async (n) => {
        const response = await fetch(`${base}/records`, {
          method: "POST",
          headers,
          body: JSON.stringify(idCardRequest(residentId(n))),
        });
        expect(response.status).toBe(202);
        return (await response.json()) as IssuedRecord;
      }),
    );
    const [kept, revoked] = issued.map((r) => r.recordHash) as [string, string];
    const deadline = Date.now() + 60_000;
    while ((await read(kept)).anchor.state !== "anchored" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const revoke = await fetch(`${base}/records/${revoked}/revoke`, {
      method: "POST",
      headers,
      body: JSON.stringify({ reason: 3 }),
    });
    expect(revoke.status).toBe(200);

    const valid = await read(kept);
    expect(valid.anchor.proof).toHaveLength(1);
    file("valid.json", valid);
    file("revoked.json", await read(revoked));
    file("bare.json", { ...valid.record, anchor: { batchRoot: valid.anchor.batchRoot, proof: valid.anchor.proof } });
    const altered = structuredClone(valid);
    altered.record.fields.address = "北京市怀柔区另一条街";
    file("altered.json", altered);
    file("altered-bare.json", {
      ...altered.record,
      anchor: { batchRoot: valid.anchor.batchRoot, proof: valid.anchor.proof },
    });
    file("wrong-proof.json", { ...valid, anchor: { ...valid.anchor, proof: [`0x${"11".repeat(32)}`] } });
    file("not-json.json", `{\n  "recordHash": "${kept}",\n  "record": { "issuer": psb }\n}\n`);
    type Field = { value: unknown; proof: string[] };
    type Disclosed = { fields: { name: Field; issuingAuthority: Field } };
    const disclosed = await fetch(`${base}/records/${kept}/disclosure?fields=name,issuingAuthority`, { headers });
    const disclosure = (await disclosed.json()) as Disclosed;
    file("disclosure.json", disclosure);
    const edited = structuredClone(disclosure);
    edited.fields.issuingAuthority.value = "北京市公安局朝阳分局";
    file("disclosure-edited.json", edited);
    const swapped = structuredClone(disclosure);
    swapped.fields.name.proof = disclosure.fields.issuingAuthority.proof;
    file("disclosure-swapped-proof.json", swapped);
    // As some editors write it: a byte-order mark first, which a gateway reading a body drops too.
    writeFileSync(`${files}/disclosure-bom.json`, `\ufeff${JSON.stringify(disclosure)}`);
    const personal = structuredClone(disclosure) as unknown as { fields: Record<string, unknown> };
    personal.fields[residentId(933)] = { value: 1, salt: "bad", proof: [] };
    file("disclosure-personal-name.json", personal);
    const invalidText = Buffer.from(JSON.stringify(disclosure));
    writeFileSync(
      `${files}/disclosure-not-utf8.json`,
      Buffer.concat([invalidText.subarray(0, 40), Buffer.from([0xff, 0xfe]), invalidText.subarray(40)]),
    );
    // The citizen's own: a token from psb's counter, then the disclosure of two fields from their own device, as its
    // QR code's text and as a PNG image of the code (as a scan of a printed certificate would be).
    const counter = { authorization: `Bearer ${tokens.psb.consumer}`, "content-type": "application/json" };
    const token = await fetch(`${base}/access-log/self-service-tokens`, {
      method: "POST",
      headers: counter,
      body: JSON.stringify({ subject: idCardRequest(residentId(931)).subject }),
    });
    expect(token.status).toBe(201);
    const citizen = { authorization: `Bearer ${((await token.json()) as { token: string }).token}` };
    const own = await fetch(`${base}/self-service/records/${kept}/disclosure?fields=issuingAuthority,validFrom`, {
      headers: citizen,
    });
    expect(own.status).toBe(200);
    const { code } = (await own.json()) as { code: string };
    file("own-code.txt", `${code}\n`);
    writeFileSync(`${files}/own-code.png`, await disclosureCodePng(code));
    const ownEdited = JSON.parse(disclosureCodeText(code));
    ownEdited.fields.validFrom.value = "2030-01-01";
    file("own-code-edited.txt", disclosureCode(ownEdited));
    writeFileSync(`${files}/own-code-edited.png`, await disclosureCodePng(disclosureCode(ownEdited)));
    file("own-code-broken.txt", `${code.slice(0, 40)}~${code.slice(41)}`);
    writeFileSync(`${files}/not-a-code.png`, await disclosureCodePng("HC1:not ours"));
    // A PNG whose header claims 100,000 × 100,000 pixels: a few bytes that a reader trusting it would allocate 40 GB for.
    const ihdr = Buffer.alloc(25);
    ihdr.writeUInt32BE(13, 0);
    ihdr.write("IHDR", 4, "latin1");
    ihdr.writeUInt32BE(100_000, 8);
    ihdr.writeUInt32BE(100_000, 12);
    ihdr.set([8, 6, 0, 0, 0], 16);
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    writeFileSync(`${files}/huge.png`, Buffer.concat([signature, ihdr, Buffer.alloc(64)]));
    const text = JSON.stringify(valid);
    file("named-twice.json", `{"recordHash":"${kept}",${text.slice(1)}`);
    file("proto.json", text.replace('"fields":{', '"fields":{"__proto__":{"x":1},'));
    file("rounded.json", text.replace('"validUntil":', '"validUntil":9007199254740993,"was":'));
    // Each start may take its 240 s on a cold machine, and the records their minute to be anchored.
  }, 330_000);

  afterAll(async () => {
    system?.interrupt();
    await system?.exited;
    await removeSeedCopies();
    removeTestDir(dataDir);
    removeHandedOut(files);
  });

  it("passes an issued batched record, as the gateway gave it and as a bare record with its anchor", async () => {
    const [answer, bare] = await Promise.all([
      audit("verify-record", `${files}/valid.json`, ...chain),
      audit("verify-record", `${files}/bare.json`, ...chain),
    ]);
    for (const run of [answer, bare]) {
      expect(run.code, run.output).toBe(0);
      expect(run.stdout).toMatch(/^✔ batch proof: leads from the record's leaf to root 0x[0-9a-f]{64}, a batch of 2/m);
      expect(run.stdout).toMatch(/^✔ status: valid, as registry 0x[0-9a-f]{40} answers at block \d+$/m);
      expect(run.stdout).toMatch(/^ {2}issuer {6}department \d+ \(psb\)$/m);
      expect(run.stdout).toMatch(/^ {2}anchored {4}block \d+, tx 0x[0-9a-f]{64}, at /m);
      expect(run.stdout).toMatch(/^verify-record: pass \(\d+ passed, 0 failed\)$/m);
    }
    expect(answer.stdout).toContain("✔ file's anchor: its registry, block and transaction are the chain's");
  }, 120_000);

  it("fails a record whose content was altered, naming that its hash does not match", async () => {
    const [claimed, bare] = await Promise.all([
      audit("verify-record", `${files}/altered.json`, ...chain),
      audit("verify-record", `${files}/altered-bare.json`, ...chain),
    ]);
    const { recordHash } = JSON.parse(readFileSync(`${files}/valid.json`, "utf8"));
    expect(claimed.code, claimed.output).toBe(1);
    expect(claimed.stdout).toMatch(
      new RegExp(`^✘ record hash: does not match: the file says ${recordHash}, .* hashes to 0x[0-9a-f]{64}`, "m"),
    );
    expect(bare.code, bare.output).toBe(1);
    expect(bare.stdout).toMatch(/^✘ batch proof: the record's hash 0x[0-9a-f]{64} does not match the batch/m);
    expect(bare.stdout).toMatch(/^✘ status: unknown/m);
  }, 120_000);

  it("fails a record whose batch proof was changed, and a revoked record, naming the revocation", async () => {
    const [proof, revoked] = await Promise.all([
      audit("verify-record", `${files}/wrong-proof.json`, ...chain),
      audit("verify-record", `${files}/revoked.json`, ...chain),
    ]);
    expect(proof.code, proof.output).toBe(1);
    expect(proof.stdout).toMatch(/^✘ batch proof: .* do not lead to root 0x[0-9a-f]{64}/m);
    expect(revoked.code, revoked.output).toBe(1);
    expect(revoked.stdout).toMatch(/^✔ batch proof: /m);
    expect(revoked.stdout).toMatch(/^✘ status: revoked at \d{4}-\d\d-\d\dT[\d:]+Z \(reason 3\)/m);
    expect(revoked.stdout).toMatch(/^✔ events: the registry's events give revoked too/m);
    expect(revoked.stdout).toMatch(/^verify-record: FAIL \(\d+ passed, 1 failed\)$/m);
  }, 120_000);

  it("passes verify-disclosure on a disclosure of two fields, showing them and none of the others", async () => {
    const run = await audit("verify-disclosure", `${files}/disclosure.json`, ...chain);
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toMatch(
      /^✔ disclosure: the envelope hashes to the record hash, and name, issuingAuthority belong/m,
    );
    expect(run.stdout).toMatch(/^✔ batch proof: leads from the record's leaf to root 0x[0-9a-f]{64}, a batch of 2/m);
    expect(run.stdout).toMatch(/^✔ status: valid, as registry 0x[0-9a-f]{40} answers at block \d+$/m);
    expect(run.stdout).toMatch(/^ {2}disclosed {3}name, issuingAuthority$/m);
    expect(run.stdout).toMatch(/^verify-disclosure: pass \(\d+ passed, 0 failed\)$/m);
    const disclosed = JSON.parse(readFileSync(`${files}/disclosure.json`, "utf8"));
    expect(Object.keys(disclosed.fields)).toEqual(["name", "issuingAuthority"]);
    // The fields withheld are nowhere in the disclosure, nor in what the audit prints.
    const withheld = JSON.parse(readFileSync(`${files}/valid.json`, "utf8")).record.fields;
    for (const name of ["address", "birthDate", "ethnicity"]) {
      expect(JSON.stringify(disclosed)).not.toContain(withheld[name]);
      expect(run.output).not.toContain(withheld[name]);
    }
  }, 120_000);

  it("reads a disclosure file with a byte-order mark, and refuses one that is not UTF-8 or names a field like personal data", async () => {
    const [bom, notUtf8, personal] = await Promise.all([
      audit("verify-disclosure", `${files}/disclosure-bom.json`, ...chain),
      audit("verify-disclosure", `${files}/disclosure-not-utf8.json`, ...chain),
      audit("verify-disclosure", `${files}/disclosure-personal-name.json`, ...chain),
    ]);
    expect(bom.code, bom.output).toBe(0);
    expect(notUtf8).toMatchObject({ code: 2, stdout: "" });
    expect(notUtf8.output).toContain(
      `${files}/disclosure-not-utf8.json: line 1, column 1: not valid JSON (its bytes are not UTF-8 text)`,
    );
    expect(personal).toMatchObject({ code: 2, stdout: "" });
    expect(personal.output).toContain('field "fields": in a member whose name is not repeated');
    expect(personal.output).not.toContain(residentId(933));
  }, 120_000);

  it("fails verify-disclosure on an edited value or a swapped proof, naming the field", async () => {
    const [edited, swapped] = await Promise.all([
      audit("verify-disclosure", `${files}/disclosure-edited.json`, ...chain),
      audit("verify-disclosure", `${files}/disclosure-swapped-proof.json`, ...chain),
    ]);
    expect(edited.code, edited.output).toBe(1);
    expect(edited.stdout).toMatch(/^✘ disclosure: fields\.issuingAuthority: does not belong to the record/m);
    expect(edited.stdout).toMatch(/^verify-disclosure: FAIL \(0 passed, 1 failed\)$/m);
    expect(swapped.code, swapped.output).toBe(1);
    expect(swapped.stdout).toMatch(/^✘ disclosure: fields\.name: does not belong to the record/m);
  }, 120_000);

  it("passes verify-disclosure on a citizen's own disclosure as its QR code's text and as a PNG of the code, and fails an edited code naming the field", async () => {
    const [text, image, editedText, editedImage] = await Promise.all([
      audit("verify-disclosure", `${files}/own-code.txt`, ...chain),
      audit("verify-disclosure", `${files}/own-code.png`, ...chain),
      audit("verify-disclosure", `${files}/own-code-edited.txt`, ...chain),
      audit("verify-disclosure", `${files}/own-code-edited.png`, ...chain),
    ]);
    for (const run of [text, image]) {
      expect(run.code, run.output).toBe(0);
      expect(run.stdout).toMatch(/^ {2}disclosed {3}issuingAuthority, validFrom$/m);
      expect(run.stdout).toMatch(/^✔ status: valid, as registry 0x[0-9a-f]{40} answers at block \d+$/m);
    }
    for (const run of [editedText, editedImage]) {
      expect(run.code, run.output).toBe(1);
      expect(run.stdout).toMatch(/^✘ disclosure: fields\.validFrom: does not belong to the record/m);
    }
  }, 120_000);

  it("exits 2 naming the file on a code that is not Base45, an image whose code is not a disclosure's, and an image claiming 100,000 pixels a side", async () => {
    const [broken, foreign, huge] = await Promise.all([
      audit("verify-disclosure", `${files}/own-code-broken.txt`, ...chain),
      audit("verify-disclosure", `${files}/not-a-code.png`, ...chain),
      audit("verify-disclosure", `${files}/huge.png`, ...chain),
    ]);
    expect(huge).toMatchObject({ code: 2, stdout: "" });
    expect(huge.output).toContain(
      `${files}/huge.png: an image of 100000 × 100000 pixels is larger than a code's scan (4096 a side)`,
    );
    expect(broken).toMatchObject({ code: 2, stdout: "" });
    expect(broken.output).toContain(
      `${files}/own-code-broken.txt: not a disclosure's code: the text after OC1: is no Base45: character 37 is not in the Base45 alphabet`,
    );
    expect(foreign).toMatchObject({ code: 2, stdout: "" });
    expect(foreign.output).toContain(
      `${files}/not-a-code.png: not a disclosure's code: a disclosure's code begins with OC1:`,
    );
  }, 120_000);

  it("gives the same verdict as one JSON document under --json", async () => {
    const [valid, revoked] = await Promise.all([
      audit("verify-record", `${files}/valid.json`, ...chain, "--json"),
      audit("--json", "verify-record", `${files}/revoked.json`, ...chain),
    ]);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({ ok: true, status: "valid", statusFromEvents: "valid" });
    expect(revoked.code).toBe(1);
    const report = JSON.parse(revoked.stdout);
    expect(report).toMatchObject({ ok: false, status: "revoked", evidence: { revocationReason: 3 } });
    expect(report.checks).toContainEqual(expect.objectContaining({ name: "status", ok: false }));
  }, 120_000);

  it("exits 2 on a missing file, a file that is not JSON or holds a number JSON cannot hold, an unknown command and a URL where no chain answers", async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const [missing, notJson, twice, proto, rounded, unknown, unreachable] = await Promise.all([
      audit("verify-record", `${files}/absent.json`, ...chain),
      audit("verify-record", `${files}/not-json.json`, ...chain),
      audit("verify-record", `${files}/named-twice.json`, ...chain),
      audit("verify-record", `${files}/proto.json`, ...chain),
      audit("verify-record", `${files}/rounded.json`, ...chain),
      audit("verify-everything", ...chain),
      audit("verify-record", `${files}/valid.json`, "--rpc", nowhere, "--directory", chain[3] ?? ""),
    ]);
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.output).toContain(`${files}/absent.json: cannot read`);
    expect(notJson).toMatchObject({ code: 2, stdout: "" });
    expect(notJson.output).toContain(`${files}/not-json.json: line 3, column 25: not valid JSON`);
    // What they mean would depend on the reader (JSON.parse keeps the last of two, and __proto__ as a member).
    expect(twice).toMatchObject({ code: 2, stdout: "" });
    expect(twice.output).toContain(`${files}/named-twice.json: the member at recordHash is named twice`);
    expect(proto).toMatchObject({ code: 2, stdout: "" });
    expect(proto.output).toContain(`${files}/proto.json: the member at record.fields.__proto__ is named __proto__`);
    // JSON.parse would read 9007199254740993 as 9007199254740992: another record than the file holds.
    expect(rounded).toMatchObject({ code: 2, stdout: "" });
    expect(rounded.output).toContain(
      `${files}/rounded.json: the member at record.validUntil is a number a JSON reader`,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('unknown command "verify-everything"');
    expect(unreachable.code).toBe(2);
    expect(unreachable.output).toContain(`no chain answers at ${nowhere}`);
  }, 120_000);

  it("passes verify-catalogue on the seeded chain, and lists each drift of an edited copy of the seeds", async () => {
    const seeds = await copySeeds();
    await editSeedJson(seeds, "credential-types/business-licence.json", (type) => {
      type.schema.properties.branchCount = { type: "integer", minimum: 0 };
    });
    await editSeedJson(seeds, "departments.json", (departments) => {
      departments.find((d: { code: string }) => d.code === "psb").nameEn = "Renamed";
    });
    await editSeedJson(seeds, "scenarios/film-items.json", (items) => {
      items.pop();
    });
    // A commitment's statutory limit is part of the scenario's definition on chain.
    await editSeedJson(seeds, "scenarios/theme.json", (scenarios) => {
      const homestay = scenarios.find((s: { code: string }) => s.code === "open-homestay");
      homestay.matters[0].commitment.replacesDays = 5;
    });
    const deployment = `${dataDir}/deployments/31337.json`;
    const [seeded, edited] = await Promise.all([
      audit("verify-catalogue", ...chain),
      audit("verify-catalogue", seeds, "--rpc", rpcUrl, "--deployment", deployment),
    ]);
    expect(seeded.code, seeded.output).toBe(0);
    expect(seeded.stdout).toContain("✔ credential types: 46 as seeded");
    expect(seeded.stdout).toContain("✔ grants: 332 as seeded");
    expect(edited.code, edited.output).toBe(1);
    expect(edited.stdout).toMatch(
      /^ {4}credential-type business-licence: schemaHash: chain 0x[0-9a-f]{64}, seed 0x[0-9a-f]{64}$/m,
    );
    expect(edited.stdout).toMatch(/^ {4}department psb: nameEn: chain "[^"]+", seed "Renamed"$/m);
    expect(edited.stdout).toMatch(/^ {4}scenario [a-z-]+: on chain \(film-item\), not in the seeds$/m);
    expect(edited.stdout).toMatch(
      /^ {4}scenario open-homestay: definitionHash: chain 0x[0-9a-f]{64}, seed 0x[0-9a-f]{64}$/m,
    );
    expect(edited.stdout).toMatch(/^✘ scenarios: 1 not as seeded \(of 105 seeded\)$/m);
  }, 120_000);

  it("passes verify-scenario for a seeded code, and fails an edited definition file naming both hashes", async () => {
    const theme = JSON.parse(readFileSync(`${projectRoot}seeds/scenarios/theme.json`, "utf8"));
    const definition = theme.find((s: { code: string }) => s.code === "open-homestay");
    const edited = file("homestay.json", { ...definition, nameEn: `${definition.nameEn} (edited)` });
    const [code, changed] = await Promise.all([
      audit("verify-scenario", "open-convenience-store", ...chain),
      audit("verify-scenario", edited, ...chain),
    ]);
    expect(code.code, code.output).toBe(0);
    expect(code.stdout).toMatch(
      /^✔ scenario open-convenience-store: definition hash 0x[0-9a-f]{64} is version 1 on chain/m,
    );
    expect(changed.code, changed.output).toBe(1);
    expect(changed.stdout).toMatch(/^ {4}definitionHash: chain 0x[0-9a-f]{64}, seed 0x[0-9a-f]{64}$/m);
  }, 120_000);

  it("runs as the package's command oncechain-audit through npx", async () => {
    const run = runNpm(projectRoot, [
      "exec",
      "--",
      "oncechain-audit",
      "verify-record",
      `${files}/valid.json`,
      ...chain,
    ]);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.stdout()).toMatch(/^verify-record: pass/m);
  }, 120_000);
});
