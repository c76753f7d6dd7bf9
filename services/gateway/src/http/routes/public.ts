// What anyone may ask without a key, for the web page's verifier, catalogue and figures: what the chain and the
// catalogue say publicly. No route here takes or gives a record's content, a subject reference from a store or a log
// entry: a verifier's browser hashes the record itself and asks only for the chain's word on the hash.
import { z } from "zod";
import { commitmentsOf } from "../../audit/accessesAcross.ts";
import { emptyFigures, figuresOf } from "../../commitments/figures.ts";
import { beijingDay } from "../../commitments/recordCommitment.ts";
import { GatewayError } from "../../errors/GatewayError.ts";
import { verifyRecord } from "../../records/verifyRecord.ts";
import type { GatewayServices } from "../../services.ts";
import { defineRoute } from "../route.ts";
import { batchAnchorSchema, hex32, uint32Id, unixSeconds, verdictSchema } from "../schemas.ts";
import { countVerification, verificationsByDay } from "../verifications.ts";
import { scenarioView, typeView } from "./catalogue.ts";
import { figuresSchema } from "./commitments.ts";

const leafSchema = z
  .strictObject({
    subjectRef: hex32,
    credentialType: uint32Id.meta({ description: "The type id (the record's typeId)" }),
    validFrom: unixSeconds,
    validUntil: unixSeconds,
  })
  .meta({ description: "The batch leaf's values besides the record hash (SPEC §3.5), from the record's envelope" });

export const publicStatusRoute = defineRoute({
  method: "post",
  path: "/public/status",
  operationId: "publicRecordStatus",
  summary: "The chain's word on a record hash (anyone)",
  description:
    "For a verifier that hashed a record or a disclosure itself (the web page does, in the browser): the combined " +
    "status of a record hash anchored by an issuer, with the chain's evidence. A record anchored in a batch is found " +
    "by its leaf's values and its batch proof. The record's content is not sent, and not accepted.",
  tags: ["public"],
  auth: "public",
  body: z
    .strictObject({
      recordHash: hex32,
      issuerId: uint32Id,
      leaf: leafSchema.optional(),
      anchor: batchAnchorSchema.optional(),
    })
    .refine((b) => b.anchor === undefined || b.leaf !== undefined, {
      message: "a batched record is found by its leaf's values with its anchor",
      path: ["leaf"],
    }),
  responses: {
    200: { description: "The verdict, with the chain evidence and the block it is as of", schema: verdictSchema },
  },
  async handler({ services, body }) {
    const verdict = await verifyRecord(
      { index: services.index, registries: services.registries, now: services.now },
      {
        recordHash: body.recordHash,
        issuerId: body.issuerId,
        ...(body.leaf ? { leaf: { recordHash: body.recordHash, ...body.leaf } } : {}),
        ...(body.anchor ? { anchor: body.anchor } : {}),
      },
      false,
    );
    countVerification(services, verdict.status);
    return { status: 200, body: verdict };
  },
});

const matterSchema = z.record(z.string(), z.unknown());

export const publicCatalogueRoute = defineRoute({
  method: "get",
  path: "/public/catalogue",
  operationId: "publicCatalogue",
  summary: "The catalogue (anyone)",
  description:
    "The departments, the credential types with their issuers and JSON Schemas, and the scenarios with their " +
    "matters, materials and commitment terms, each with its hash and whether the chain holds that hash.",
  tags: ["public"],
  auth: "public",
  responses: {
    200: {
      description: "The catalogue",
      schema: z.object({
        departments: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() })),
        types: z.array(z.record(z.string(), z.unknown())),
        scenarios: z.array(z.object({ code: z.string(), matters: z.array(matterSchema) }).loose()),
      }),
    },
  },
  async handler({ services }) {
    const catalogue = services.catalogue;
    return {
      status: 200,
      body: {
        departments: catalogue.catalogue.departments.map((d) => ({ code: d.code, nameZh: d.nameZh, nameEn: d.nameEn })),
        types: catalogue.types().map((e) => ({ ...typeView(e), schema: e.type.schema })),
        scenarios: catalogue.scenarios().map((e) => ({ ...scenarioView(e), matters: e.scenario.matters })),
      },
    };
  },
});

export const publicLogCommitmentsRoute = defineRoute({
  method: "get",
  path: "/public/access-log-commitments/:of",
  operationId: "publicAccessLogCommitments",
  summary: "A department's access-log commitments on chain (anyone)",
  description:
    "The roots the chain holds for a department's access log, read from the registries' events: what a citizen's " +
    "device checks the proofs of their access-log entries against.",
  tags: ["public"],
  auth: "public",
  params: z.object({ of: z.string().meta({ description: "The department whose commitments, by its code" }) }),
  errors: ["UNKNOWN_DEPARTMENT", "CHAIN_UNAVAILABLE"],
  responses: {
    200: {
      description: "The commitments in force, and the block they were read as of",
      schema: z.object({
        department: z.string(),
        asOfBlock: z.number(),
        commitments: z.array(
          z.object({
            registry: z.string(),
            index: z.number(),
            fromSeq: z.number(),
            toSeq: z.number(),
            root: z.string(),
          }),
        ),
      }),
    },
  },
  async handler({ services, params }) {
    const id = services.catalogue.departmentIds.get(params.of);
    if (id === undefined) throw new GatewayError("UNKNOWN_DEPARTMENT", { field: "of" });
    let read: Awaited<ReturnType<ReturnType<typeof commitmentsOf>["read"]>>;
    try {
      read = await commitmentsOf(services, id).read();
    } catch (cause) {
      throw new GatewayError("CHAIN_UNAVAILABLE", { cause });
    }
    return {
      status: 200,
      body: {
        department: params.of,
        asOfBlock: read.asOfBlock,
        commitments: read.commitments.map(({ registry, index, fromSeq, toSeq, root }) => ({
          registry: registry.toLowerCase(),
          index,
          fromSeq,
          toSeq,
          root,
        })),
      },
    };
  },
});

/** What the access logs of the departments hosted here count, by day (in Beijing): records shared, requests refused. */
async function accessFigures(services: GatewayServices) {
  const byDay: Record<string, { shared: number; disclosed: number; refused: number }> = {};
  const sharedByType: Record<string, number> = {};
  const PAGE = 1_000;
  for (const department of services.departments.values()) {
    for (let from = 1; ; from += PAGE) {
      const entries = await department.accessLog.entries(from, PAGE);
      for (const entry of entries) {
        const day = beijingDay(Date.parse(entry.at));
        byDay[day] ??= { shared: 0, disclosed: 0, refused: 0 };
        const counts = byDay[day];
        if (entry.outcome === "shared") {
          counts.shared += 1;
          if (entry.credentialType) sharedByType[entry.credentialType] = (sharedByType[entry.credentialType] ?? 0) + 1;
        } else if (entry.outcome === "disclosed") counts.disclosed += 1;
        else if (entry.outcome === "denied" || entry.outcome === "refused") counts.refused += 1;
      }
      if (entries.length < PAGE) break;
    }
  }
  return { byDay, sharedByType };
}

/** The member-wise sum of `items`, over the members of `empty`. */
function sumOf<T extends object>(items: readonly Partial<T>[], empty: T): T {
  const total = { ...empty } as Record<string, number>;
  for (const item of items) {
    for (const key of Object.keys(total)) total[key] = (total[key] ?? 0) + ((item as Record<string, number>)[key] ?? 0);
  }
  return total as T;
}

/**
 * The figures are counted from every store of every hosted department, and anyone may ask: one count serves every
 * request for FIGURES_FOR_MS (the answer says when it was counted), so that asking often costs the gateway nothing.
 */
const FIGURES_FOR_MS = 30_000;
const figuresCache = new WeakMap<GatewayServices, { at: number; answer: Promise<unknown> }>();

async function computeFigures(services: GatewayServices, now: number) {
  const departments = [...services.departments.values()];
  const figures = await Promise.all(departments.map((d) => figuresOf(d, {})));
  const { byDay: accessByDay, sharedByType } = await accessFigures(services);
  const verified = verificationsByDay(services);
  const empty = { ...emptyFigures(), shared: 0, disclosed: 0, refused: 0, verifications: 0 };
  const days = new Set([
    ...figures.flatMap((f) => Object.keys(f.byDay)),
    ...Object.keys(accessByDay),
    ...verified.keys(),
  ]);
  const ofDay = (day: string) => [
    ...figures.map((f) => f.byDay[day] ?? {}),
    accessByDay[day] ?? {},
    { verifications: verified.get(day) ?? 0 },
  ];
  const byDay = Object.fromEntries([...days].sort().map((day) => [day, sumOf(ofDay(day), empty)]));
  const totals = sumOf(
    figures.map(({ byScenario: _scenarios, byDay: _days, department: _code, ...overall }) => overall),
    emptyFigures(),
  );
  return {
    countedAt: new Date(now).toISOString(),
    departments: departments.map((d) => d.code),
    totals,
    byDay,
    sharedByType: Object.fromEntries(Object.entries(sharedByType).sort(([a], [b]) => a.localeCompare(b))),
    verificationsSinceStart: services.metrics.counter("oncechain_verifications_total", "status"),
  };
}

export const publicFiguresRoute = defineRoute({
  method: "get",
  path: "/public/figures",
  operationId: "publicFigures",
  summary: "The figures of the departments served here (anyone)",
  description:
    "Counts only, no subject: per department served by this gateway process and per day (in Beijing), " +
    "applications, materials no longer collected, commitments and days saved (as GET .../figures counts them), " +
    "records shared with other departments per credential type, disclosures, refused requests; and the " +
    "verifications this process has answered since it started (by day and by verdict; not kept across restarts). " +
    "One count serves every request for 30 seconds.",
  tags: ["public"],
  auth: "public",
  responses: {
    200: {
      description: "The figures",
      schema: z.object({
        countedAt: z.string().meta({ description: "When these were counted (ISO 8601): one count serves 30 s" }),
        departments: z.array(z.string()),
        totals: figuresSchema,
        byDay: z.record(
          z.string(),
          figuresSchema.extend({
            shared: z.number(),
            disclosed: z.number(),
            refused: z.number(),
            verifications: z.number().meta({ description: "Answered by this process that day, since it started" }),
          }),
        ),
        sharedByType: z.record(z.string(), z.number()),
        verificationsSinceStart: z.record(z.string(), z.number()),
      }),
    },
  },
  async handler({ services }) {
    const now = services.now();
    const cached = figuresCache.get(services);
    if (cached && now - cached.at < FIGURES_FOR_MS) return { status: 200, body: await cached.answer };
    const answer = computeFigures(services, now);
    figuresCache.set(services, { at: now, answer });
    answer.catch(() => figuresCache.delete(services));
    return { status: 200, body: await answer };
  },
});
