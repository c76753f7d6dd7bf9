// What bench/federation.ts prepares before it measures: the chain deployed and seeded with each department's endpoint,
// every applicant's records issued at their issuers over HTTP, and all of them anchored.
import { setTimeout as sleep } from "node:timers/promises";
import type { Catalogue } from "../../lib/catalogue/schemas.ts";
import { ensureDeployment } from "../../lib/chain/deploymentStore.ts";
import { receiptOf } from "../../lib/chain/receipt.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { connectProvider } from "../../scripts/lib/chainConnection.ts";
import { devDepartmentSigners } from "../../scripts/lib/devDepartments.ts";
import { operatorSigner } from "../../scripts/lib/operatorSigner.ts";
import { seedCatalogue } from "../../scripts/lib/seed/seedCatalogue.ts";
import { departmentEndpoint } from "../../services/gateway/src/serve.ts";
import { issueBody, type Material } from "./applicants.ts";
import { keepAliveAgent, postJson } from "./http.ts";

const ISSUE_CONCURRENCY = 16;

/**
 * Deploys the registries and seeds the catalogue as `npm start` does. `point(ports)` sets each department's endpoint on
 * chain to the gateway listening on its port (as the operator: each gateway registers its own when it starts, and the
 * benchmark moves them between its two setups), sending only what changed.
 */
export async function deployAndSeed(rpcUrl: string, dataDir: string, catalogue: Catalogue) {
  const provider = await connectProvider(rpcUrl);
  const codes = catalogue.departments.map((d) => d.code);
  const operator = await operatorSigner(provider, dataDir, codes);
  const { record } = await ensureDeployment(provider, operator.signer, dataDir, { sameChainOnly: true });
  const signers = await devDepartmentSigners(provider, dataDir, codes);
  const registries = connectRegistries(record, operator.signer);
  await seedCatalogue(catalogue, registries, { update: false, signers });
  const point = async (ports: Map<string, number>) => {
    for (const [code, port] of ports) {
      const id = Number(await registries.departments.departmentIdOf(codeKey(code)));
      const endpoint = departmentEndpoint(`http://127.0.0.1:${port}`, code);
      if ((await registries.departments.department(id)).endpoint === endpoint) continue;
      await receiptOf(await registries.departments.setEndpoint(id, endpoint));
    }
  };
  return { client: String(await provider.send("web3_clientVersion", [])), point, close: () => provider.destroy() };
}

/** Issues every material's record for applicants 0 … count − 1 at its issuer, ISSUE_CONCURRENCY at a time each. */
export async function issueRecords(
  materials: Material[],
  count: number,
  urlOf: (code: string) => string,
  tokens: Record<string, Record<string, string>>,
) {
  const agent = keepAliveAgent();
  const now = Date.now();
  try {
    await Promise.all(
      materials.map(async (material) => {
        const url = `${urlOf(material.issuer)}/departments/${material.issuer}/records`;
        const token = tokens[material.issuer]?.issuer ?? "";
        let next = 0;
        await Promise.all(
          Array.from({ length: ISSUE_CONCURRENCY }, async () => {
            for (let n = next++; n < count; n = next++) {
              const answer = await postJson(agent, url, token, JSON.stringify(issueBody(material, n, now)), 30_000);
              if (answer.status !== 202) throw new Error(`issuing ${material.credentialType}: ${answer.text}`);
            }
          }),
        );
      }),
    );
  } finally {
    agent.destroy();
  }
}

/** Waits until each issuer's gateway reports (in its metrics) that it has anchored `count` records. */
export async function waitAnchored(materials: Material[], count: number, urlOf: (code: string) => string) {
  const deadline = Date.now() + 180_000;
  for (const { issuer } of materials) {
    const pattern = new RegExp(`^oncechain_records_anchored_total\\{department="${issuer}"\\} (\\d+)$`, "m");
    for (;;) {
      const metrics = await (await fetch(`${urlOf(issuer)}/metrics`)).text();
      const anchored = Number(pattern.exec(metrics)?.[1] ?? 0);
      if (anchored >= count) break;
      if (Date.now() > deadline) throw new Error(`${issuer} anchored only ${anchored} of ${count} records in time`);
      await sleep(250);
    }
  }
}
