// npm run seed -- [--network ...] [--update] [--signers file.json]: registers what the chain lacks of the catalogue.
import { readFileSync } from "node:fs";
import { loadCatalogue } from "../lib/catalogue/loadCatalogue.ts";
import { recordedDeployment } from "../lib/chain/deploymentStore.ts";
import { connectRegistries } from "../lib/chain/registries.ts";
import { connectProvider, resolveNetwork } from "./lib/chainConnection.ts";
import { parseFlags, progress, runCli } from "./lib/cli.ts";
import { devDepartmentSigners } from "./lib/devDepartments.ts";
import { operatorSigner } from "./lib/operatorSigner.ts";
import { seedsDir } from "./lib/paths.ts";
import { localSystem } from "./lib/runningSystem.ts";
import { formatSeedReport, seedCatalogue, seedProgress } from "./lib/seed/seedCatalogue.ts";

runCli(async () => {
  const flags = parseFlags(
    { network: { type: "string" }, update: { type: "boolean", default: false }, signers: { type: "string" } },
    "npm run seed -- [--network local|<network>|<rpc-url>[,<rpc-url>...]] [--update] [--signers departments-signers.json]",
  );
  const catalogue = await loadCatalogue(seedsDir);
  const system = localSystem();
  const target = resolveNetwork(flags.network, system);
  const provider = await connectProvider(target.rpcUrl, target);
  try {
    const record = await recordedDeployment(provider, system.dataDir);
    const codes = catalogue.departments.map((d) => d.code);
    const operator = await operatorSigner(provider, system.dataDir, codes);
    const signers = flags.signers
      ? (JSON.parse(readFileSync(flags.signers, "utf8")) as Record<string, string[]>)
      : operator.source === "dev"
        ? await devDepartmentSigners(provider, system.dataDir, codes)
        : undefined;
    const registries = connectRegistries(record, operator.signer);
    const shown = progress("seeding");
    const report = await seedCatalogue(catalogue, registries, {
      update: flags.update,
      signers,
      onProgress: seedProgress(shown),
    }).finally(() => shown.stop());
    console.log(formatSeedReport(report, flags.update));
  } finally {
    provider.destroy();
  }
});
