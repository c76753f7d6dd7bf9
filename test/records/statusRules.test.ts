// decideStatus against the chain: for every generated record, the local verdict on the evidence the chain returns
// is the chain's own, before, during and after the issuer's suspension and around every validity boundary.
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { contentHash } from "../../lib/encoding/canonical.ts";
import { buildRecordTree, type RecordAnchor } from "../../lib/encoding/recordLeaf.ts";
import { subjectRef } from "../../lib/encoding/subjectRef.ts";
import { decideStatus, RecordStatus, statusName } from "../../lib/records/statusRules.ts";
import { type RegistryFixture, registryFixture } from "../support/chain.ts";

/** The time the checkpoints gather around: a fixed second far enough ahead that every record is anchored before it. */
const T = 2_000_000_000;
const PSB = 1;
const MARKET_REGULATION = 2;
const RESIDENT_ID_CARD = 1;
const BUSINESS_LICENCE = 2;

/** Where statuses are read: each a block at `at`, with psb suspended in the second and reinstated in the third. */
const CHECKPOINTS = [
  { at: T, psbSuspended: false },
  { at: T + 1, psbSuspended: true },
  { at: T + 2, psbSuspended: false },
  { at: T + 300, psbSuspended: false },
] as const;

const LIFECYCLES = ["live", "revoked", "superseded", "superseded, then revoked"] as const;
type Lifecycle = (typeof LIFECYCLES)[number];

interface Case {
  name: string;
  anchor: RecordAnchor;
  lifecycle: Lifecycle;
  /** Anchored as part of a Merkle batch and registered, rather than singly. */
  batched: boolean;
  /** false = the record is never anchored at all. */
  anchored: boolean;
  /** The issuer the status is asked of; not psb = a department that never anchored the record. */
  lookupIssuer: number;
}

const relative = (t: number) => (t === 0 ? "0" : t === T ? "T" : `T${t > T ? "+" : ""}${t - T}`);
const pairs = (froms: number[], untils: number[]) =>
  froms.flatMap((validFrom) => untils.map((validUntil) => ({ validFrom, validUntil })));
/** The windows a single anchor accepts: no end, or an end not before the start. */
const windows = (froms: number[], untils: number[]) =>
  pairs(froms, untils).filter(({ validFrom, validUntil }) => validUntil === 0 || validUntil >= validFrom);
const SECRET = new Uint8Array(32).fill(9);

function anchorFor(label: string, credentialType: number, validFrom = 0, validUntil = 0): RecordAnchor {
  return {
    recordHash: contentHash({ record: label }),
    subjectRef: subjectRef(SECRET, "resident-id", label),
    credentialType,
    validFrom,
    validUntil,
  };
}

/** Every lifecycle for every window of each kind of record, and two records psb's index does not hold. */
function generateCases(): Case[] {
  const kinds = [
    {
      name: "resident ID card",
      type: RESIDENT_ID_CARD,
      batched: false,
      windows: windows([0, T, T + 1, T + 2, T + 400], [0, T - 1, T, T + 1, T + 2, T + 300]),
    },
    // A batched record is held to the windows a single anchor takes once it is registered (or read by its proof).
    {
      name: "batched resident ID card",
      type: RESIDENT_ID_CARD,
      batched: true,
      windows: windows([0, T + 2, T + 400], [0, T + 1, T + 500]),
    },
    // psb cannot anchor licences singly but can batch them: a batched record's type is checked when it is read.
    {
      name: "batched business licence (not psb's to issue)",
      type: BUSINESS_LICENCE,
      batched: true,
      windows: windows([0, T + 1], [0, T - 1, T + 300]),
    },
  ];
  const cases = kinds.flatMap((kind) =>
    kind.windows.flatMap(({ validFrom, validUntil }) =>
      LIFECYCLES.map((lifecycle): Case => {
        const name = `${lifecycle} ${kind.name} valid from ${relative(validFrom)} until ${relative(validUntil)}`;
        const anchor = anchorFor(name, kind.type, validFrom, validUntil);
        return { name, anchor, lifecycle, batched: kind.batched, anchored: true, lookupIssuer: PSB };
      }),
    ),
  );
  const [first] = cases;
  if (!first) throw new Error("no cases generated");
  const never = anchorFor("never anchored", RESIDENT_ID_CARD);
  cases.push({ ...first, name: "record never anchored", anchor: never, anchored: false });
  cases.push({ ...first, name: `${first.name}, asked of another department`, lookupIssuer: MARKET_REGULATION });
  return cases;
}

const CASES = generateCases();
const successorOf = (c: Case) => anchorFor(`successor of ${c.name}`, c.anchor.credentialType);

let f: RegistryFixture;
/** Per case name, the chain's status and evidence at each checkpoint. */
const answers = new Map<string, Awaited<ReturnType<RegistryFixture["registries"]["records"]["recordStatus"]>>[]>();

/** Anchors, supersedes and revokes every case's record as psb; each successor is anchored the way its case is. */
async function anchorEverything() {
  const records = f.registries.records.connect(f.issuer);
  const anchored = CASES.filter((c) => c.anchored && c.lookupIssuer === PSB);
  const superseded = anchored.filter((c) => c.lifecycle.startsWith("superseded"));
  const withSuccessors = [...anchored, ...superseded.map((c) => ({ ...c, anchor: successorOf(c) }))];
  for (const { anchor: a } of withSuccessors.filter((c) => !c.batched)) {
    await (await records.anchor(a.recordHash, a.subjectRef, a.credentialType, a.validFrom, a.validUntil)).wait();
  }
  const batched = withSuccessors.filter((c) => c.batched).map((c) => c.anchor);
  const tree = buildRecordTree(batched);
  await (await records.anchorBatch(tree.root, batched.length)).wait();
  for (const [i, leaf] of batched.entries()) {
    await (await records.registerBatchRecord(tree.root, leaf, tree.getProof(i))).wait();
  }
  for (const c of superseded) await (await records.supersede(c.anchor.recordHash, successorOf(c).recordHash)).wait();
  for (const c of anchored.filter((c) => c.lifecycle.endsWith("revoked"))) {
    await (await records.revokeRecord(c.anchor.recordHash, 1)).wait();
  }
}

/** Makes one block per checkpoint, returning their numbers. */
async function makeCheckpoints(): Promise<number[]> {
  const provider = f.connection.ethers.provider;
  const departments = f.registries.departments;
  const steps = [
    () => provider.send("evm_mine", []),
    () => departments.suspendDepartment(PSB).then((tx) => tx.wait()),
    () => departments.reinstateDepartment(PSB).then((tx) => tx.wait()),
    () => provider.send("evm_mine", []),
  ];
  const blocks: number[] = [];
  for (const [i, checkpoint] of CHECKPOINTS.entries()) {
    await f.setNextTimestamp(checkpoint.at);
    await steps[i]?.();
    const block = await provider.getBlock("latest");
    if (block?.timestamp !== checkpoint.at) throw new Error(`checkpoint ${i} was mined at ${block?.timestamp}`);
    blocks.push(block.number);
  }
  return blocks;
}

beforeAll(async () => {
  f = await registryFixture();
  await anchorEverything();
  const blocks = await makeCheckpoints();
  for (const c of CASES) {
    const reads = blocks.map((blockTag) =>
      f.registries.records.recordStatus(c.lookupIssuer, c.anchor.recordHash, { blockTag }),
    );
    answers.set(c.name, await Promise.all(reads));
  }
});

describe("decideStatus", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("agrees with the chain on a %s at every checkpoint", (_, c) => {
    const chain = answers.get(c.name) ?? [];
    const authorised = c.lookupIssuer === PSB && c.anchor.credentialType === RESIDENT_ID_CARD;
    const local = CHECKPOINTS.map(({ at, psbSuspended }, i) => {
      const evidence = chain[i]?.[1];
      if (!evidence) throw new Error(`no answer at checkpoint ${i}`);
      return statusName(decideStatus(evidence, at, authorised, psbSuspended && c.lookupIssuer === PSB));
    });
    expect(local).toEqual(chain.map(([status]) => statusName(status)));
  });

  it("meets every status among the generated cases", () => {
    const met = new Set([...answers.values()].flatMap((reads) => reads.map(([status]) => statusName(status))));
    expect([...met].sort()).toEqual(Object.values(RecordStatus).map(statusName).sort());
  });
});

describe("RecordStatus", () => {
  it("lists the statuses of ICredentialRecordRegistry.RecordStatus in the contract's order", async () => {
    const source = await readFile(
      new URL("../../contracts/interfaces/ICredentialRecordRegistry.sol", import.meta.url),
      "utf8",
    );
    const members = /enum RecordStatus \{([^}]*)\}/
      .exec(source)?.[1]
      ?.split(",")
      .map((m) => m.trim());
    expect(Object.keys(RecordStatus)).toEqual(members);
    expect(Object.values(RecordStatus)).toEqual(Object.keys(Object.values(RecordStatus)).map(Number));
  });
});

describe("statusName", () => {
  it("names the chain's bigint statuses and the local numbers alike", () => {
    expect(statusName(RecordStatus.IssuerNotAuthorised)).toBe("issuer-not-authorised");
    expect(statusName(6n)).toBe("not-yet-valid");
  });

  it("throws a RangeError for a number that is no status", () => {
    for (const n of [8, -1, 1.5, 8n]) expect(() => statusName(n)).toThrow(RangeError);
  });
});
