// No personal data on chain, in the gateway's database files or in its logs; and the subject references on chain resist
// a dictionary attack without the district secret (issue 13, item 7). The attack is run with the secret too, to show
// that it works: it then finds every subject, so its failure without the secret is the secret's doing.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { ClassicLevel } from "classic-level";
import { keccak256, toUtf8Bytes } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import { call, type RunningGateway, type SeededChain, seededChain, startGateway } from "../gateway/gatewayFixture.ts";
import { anchorQueued, capturedLogs, idCardRequest, PERSON, residentId } from "../gateway/support.ts";
import { CHECKOUT_COPY_MARKER } from "../scripts/checkoutCopy.ts";
import {
  BUILD_MARKER,
  type ChainContent,
  filesUnder,
  personalDataIn,
  SCAN_TEST_ADDRESSES,
  SCAN_TEST_NAMES,
  SUITE_PERSONAL_DATA,
  scanChain,
  scanLeftBehind,
} from "./personalDataScan.ts";

/** Residents born 1949-12-31 in Xicheng (110105): 1,000 possible numbers, of which these 25 get records. */
const CANDIDATES = Array.from({ length: 1000 }, (_, n) => residentId(n));
const SUBJECTS = Array.from({ length: 25 }, (_, k) => residentId(37 * k + 11));
const NAMES = SCAN_TEST_NAMES;
const ADDRESSES = SCAN_TEST_ADDRESSES;

let chain: SeededChain;
let gw: RunningGateway;
let onChain: ChainContent;
const logs = capturedLogs("debug");

beforeAll(async () => {
  chain = await seededChain();
  gw = await startGateway(chain, ["psb"], {
    anchoring: { batchSize: 8, maxWaitMs: 3_600_000, pollMs: 20 },
    logger: logs.logger,
    accessLogCommitMs: 0,
  });
  const token = gw.key("psb", "issuer");
  const issue = async (k: number) => {
    const answer = await call(
      "POST",
      `${gw.base("psb")}/records`,
      token,
      idCardRequest(SUBJECTS[k], { name: NAMES[k], address: ADDRESSES[k] }),
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    return answer.body.recordHash as string;
  };
  // 16 in two batches of 8 (the chain holds their root alone), then 9 anchored one by one (each with its subject
  // reference in its event).
  const hashes: string[] = [];
  for (let k = 0; k < 16; k++) hashes.push(await issue(k));
  await anchorQueued(gw, "psb");
  for (let k = 16; k < 25; k++) {
    hashes.push(await issue(k));
    await anchorQueued(gw, "psb");
  }
  // A batched record revoked and one superseded: each registers its record, subject reference included, on chain.
  const post = (path: string, body: unknown) => call("POST", `${gw.base("psb")}${path}`, token, body);
  expect((await post(`/records/${hashes[0]}/revoke`, { reason: 1 })).status).toBe(200);
  const replacement = await issue(1);
  await anchorQueued(gw, "psb");
  expect((await post(`/records/${hashes[1]}/supersede`, { newRecordHash: replacement })).status).toBe(200);
  // Read, verified, disclosed: the log lines of each.
  const consumer = gw.key("psb", "consumer");
  const record = await call("GET", `${gw.base("psb")}/records/${hashes[2]}`, token);
  expect((await call("POST", `${gw.base("psb")}/verify`, consumer, { record: record.body.record })).status).toBe(200);
  onChain = await scanChain(chain.connection.ethers.provider, [...NAMES, ...ADDRESSES]);
  await gw.close();
});
afterAll(() => chain?.cleanup());

describe("personal data on chain, on disk and in logs", () => {
  it("finds what it looks for: a valid ID number and a seeded name, in text and in a LevelDB's files", async () => {
    const text = `x${SUBJECTS[3]}y ${NAMES[3]} 110105194912310119 1${SUBJECTS[4]}`;
    // The valid number and the name; not one whose check digit is wrong, nor one within a longer run of digits.
    expect(personalDataIn(Buffer.from(text), NAMES, "text").map((f) => f.what)).toEqual([
      `resident ID ${SUBJECTS[3]?.slice(0, 6)}…`,
      NAMES[3],
    ]);
    const dir = mkdtempSync(`${tmpdir()}/oncechain-scan-`);
    const db = new ClassicLevel(dir);
    await db.batch(
      Array.from({ length: 2000 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: `${i} ${text}` })),
    );
    await db.close();
    const found = [...filesUnder(dir)].flatMap(({ path, bytes }) => personalDataIn(bytes, NAMES, path));
    rmSync(dir, { recursive: true, force: true });
    expect(found.length).toBeGreaterThan(0);
  });

  it("reads a directory as the suite leaves it: LevelDB entries, hexadecimal in chain files, a checkout copy's data alone, no build or compiler's cache", async () => {
    const root = mkdtempSync(`${tmpdir()}/oncechain-scan-`);
    const hex = (text: string) => `0x${Buffer.from(text).toString("hex")}`;
    try {
      // A LevelDB whose tables are compressed: the name is found through its entries.
      const db = new ClassicLevel(`${root}/db`);
      await db.batch(
        Array.from({ length: 3000 }, (_, i) => ({ type: "put" as const, key: `k${i}`, value: `${i} ${NAMES[5]}` })),
      );
      await db.compactRange("k", "l");
      await db.close();
      mkdirSync(`${root}/chains`);
      // A chain file: an ID number in calldata, as JSON-RPC writes it; a valid number's digits inside a hash are not text.
      const inHash = `0x${"ab".repeat(10)}${SUBJECTS[6]}${"cd".repeat(11)}`;
      writeFileSync(`${root}/chains/c.json`, JSON.stringify({ input: hex(`id ${SUBJECTS[7]}`), hash: inHash }));
      // A checkout copy: its sources (tests, which hold what they send) are not read; its data is.
      mkdirSync(`${root}/copy/test`, { recursive: true });
      mkdirSync(`${root}/copy/.oncechain`);
      writeFileSync(`${root}/copy/${CHECKOUT_COPY_MARKER}`, "");
      writeFileSync(`${root}/copy/test/source.ts`, NAMES[8] as string);
      writeFileSync(`${root}/copy/.oncechain/log`, NAMES[9] as string);
      // Code is not read: a build of the sources, the compilers' caches in the run's temporary directory. A folder of
      // that name elsewhere is read.
      mkdirSync(`${root}/tmp/tsx-0`, { recursive: true });
      mkdirSync(`${root}/tmp/node-compile-cache`);
      mkdirSync(`${root}/tmp/web/dist`, { recursive: true });
      mkdirSync(`${root}/data/tsx-0`, { recursive: true });
      writeFileSync(`${root}/tmp/tsx-0/compiled.mjs`, NAMES[11] as string);
      writeFileSync(`${root}/tmp/node-compile-cache/entry`, NAMES[11] as string);
      writeFileSync(`${root}/tmp/web/dist/${BUILD_MARKER}`, "");
      writeFileSync(`${root}/tmp/web/dist/index.js`, NAMES[11] as string);
      writeFileSync(`${root}/data/tsx-0/kept`, NAMES[12] as string);
      // A link is not followed.
      writeFileSync(`${tmpdir()}/oncechain-scan-outside`, NAMES[10] as string);
      symlinkSync(`${tmpdir()}/oncechain-scan-outside`, `${root}/link`);
      const scan = await scanLeftBehind(root, NAMES);
      const found = scan.findings.map((f) => `${f.what} in ${f.where}`);
      expect(found.filter((f) => f.startsWith(NAMES[5] as string) && f.endsWith("(entry)")).length).toBe(3000);
      expect(found).toContain(`resident ID ${SUBJECTS[7]?.slice(0, 6)}… in chains/c.json (hexadecimal)`);
      expect(found).toContain(`${NAMES[9]} in copy/.oncechain/log`);
      expect(found).toContain(`${NAMES[12]} in data/tsx-0/kept`);
      expect(
        found.filter(
          (f) =>
            f.endsWith("chains/c.json") || [NAMES[8], NAMES[10], NAMES[11]].some((name) => f.includes(name as string)),
        ),
      ).toEqual([]);
      expect([scan.levelDbs, scan.chainFiles, scan.unreadable]).toEqual([1, 1, []]);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(`${tmpdir()}/oncechain-scan-outside`, { force: true });
    }
  });

  it("looks, after the whole suite, for the name and address the tests' records carry", () => {
    for (const text of [PERSON.name, PERSON.address, ...NAMES, ...ADDRESSES])
      expect(SUITE_PERSONAL_DATA).toContain(text);
  });

  it("finds no ID number or seeded name in any transaction's calldata or any event on chain", () => {
    expect(onChain.transactions).toBeGreaterThan(5);
    expect(onChain.findings).toEqual([]);
  });

  it("finds none in the bytes of the gateway's files (LevelDB tables and logs) or in its log lines", () => {
    const findings = [...filesUnder(`${chain.dataDir}/gateway`)].flatMap(({ path, bytes }) =>
      personalDataIn(bytes, [...NAMES, ...ADDRESSES], path),
    );
    expect(findings).toEqual([]);
    expect(logs.lines.length).toBeGreaterThan(10);
    expect(personalDataIn(Buffer.from(logs.lines.join("")), [...NAMES, ...ADDRESSES], "log lines")).toEqual([]);
  });

  it("recovers no subject from on-chain data by a dictionary attack over 1,000 candidates without the district secret", () => {
    const wrongSecret = randomBytes(32);
    const sha256 = (text: string) => `0x${createHash("sha256").update(text).digest("hex")}`;
    const hmac = (key: Uint8Array, text: string) => `0x${createHmac("sha256", key).update(text).digest("hex")}`;
    const guesses = (id: string) => [
      sha256(id),
      keccak256(toUtf8Bytes(id)),
      sha256(`resident-id:${id}`),
      keccak256(toUtf8Bytes(`resident-id:${id}`)),
      hmac(new Uint8Array(32), `resident-id:${id}`),
      hmac(Buffer.from("resident-id"), id),
      subjectRef(wrongSecret, "resident-id", id),
    ];
    const recovered = CANDIDATES.filter((id) => guesses(id).some((guess) => onChain.words.has(guess)));
    expect(recovered).toEqual([]);
  });

  it("recovers with the district secret exactly the 11 subjects whose references are on chain: the attack works", () => {
    // On chain: those anchored alone (16 to 24), the revoked (0) and the superseded (1) batched records, registered
    // with their reference when they changed. A record still only in a batch is there as its batch's root alone.
    const recovered = CANDIDATES.filter((id) => onChain.words.has(subjectRef(chain.districtSecret, "resident-id", id)));
    const expected = [0, 1, 16, 17, 18, 19, 20, 21, 22, 23, 24].map((k) => SUBJECTS[k]);
    expect(recovered.sort()).toEqual(expected.sort());
  });
});
