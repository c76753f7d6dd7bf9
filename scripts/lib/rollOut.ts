// Rolling out this checkout's version of a registry beside the live one: deployed, filled where it must hold the
// catalogue, and named in the RegistryDirectory, which the gateways follow. The registry it replaces stays on chain,
// and its records keep the status it gives them; a replaced record or access-log registry is closed (see closedBy).

import { id, type Signer } from "ethers";
import type { Catalogue } from "../../lib/catalogue/schemas.ts";
import { ROLLED_OUT_BY_OPERATOR } from "../../lib/chain/deploymentStore.ts";
import { receiptOf } from "../../lib/chain/receipt.ts";
import {
  connectRegistries,
  currentRegistries,
  deployRegistry,
  type RegistryAddresses,
  type RegistryName,
} from "../../lib/chain/registries.ts";
import { DistrictAccessManager__factory, RegistryDirectory__factory } from "../../types/ethers-contracts/index.ts";
import { seedCatalogue } from "./seed/seedCatalogue.ts";

export interface RollOutReport {
  /** Every registry deployed, in the order they were named in the directory, with the one each replaced. */
  replaced: { name: RegistryName; previous: string; address: string }[];
  /** Catalogue entries registered in a new registry. */
  seeded: number;
  /** Replaced registries closed (AccessManager.setTargetClosed): they take no new anchors or commitments. */
  closed: string[];
  /** Replaced registries left open, and why. */
  leftOpen: { address: string; why: string }[];
}

/**
 * Whether a roll-out of `name` closes the `replaced` registry once the directory names its successor. A record
 * registry replaced by one reading the same types is: the gateways anchor what they have queued in the new one, and
 * revocations stay open on a closed registry, so its records can still be revoked. So is a replaced access-log
 * registry: commitments continue in the new one. A record registry replaced with its type registry is not: records
 * queued for it carry its types' ids, which mean nothing in the new one; the operator closes it once the gateways have
 * anchored them (`npm run operator -- close CredentialRecordRegistry --address <it>`). A replaced type registry stays
 * open: ending a department's authority for the old types (a compromised key) is a write to it.
 */
export function closedBy(name: RegistryName, replaced: RegistryName): boolean {
  return replaced === "AccessLogRegistry" || (replaced === "CredentialRecordRegistry" && name === replaced);
}

/**
 * The registries a roll-out of `name` deploys: a new type registry comes with a record registry that reads it (a
 * record registry's types are fixed when it is deployed). Other registries hold state the chain cannot copy
 * (departments' keys and standing; scenario and grant histories): replacing them is a new deployment.
 */
export function rolledOutWith(name: RegistryName): RegistryName[] {
  if (!ROLLED_OUT_BY_OPERATOR.includes(name)) {
    throw new Error(
      `${name} cannot be rolled out beside the live one: it holds state a new version would not have ` +
        `(only ${ROLLED_OUT_BY_OPERATOR.join(", ")} can be); replacing it is a new deployment`,
    );
  }
  return name === "CredentialTypeRegistry" ? ["CredentialTypeRegistry", "CredentialRecordRegistry"] : [name];
}

/**
 * Deploys this checkout's `name` (and what comes with it) against the registries the directory names now, fills a new
 * type registry with the catalogue's types, and names the new registries in the directory. `admin` must be the
 * AccessManager's admin (it sets the new registries' function roles) and hold the operator role.
 */
export async function rollOut(
  admin: Signer,
  roots: Pick<RegistryAddresses, "accessManager" | "directory">,
  name: RegistryName,
  catalogue: Catalogue,
  signers?: Record<string, string[]>,
): Promise<RollOutReport> {
  const manager = DistrictAccessManager__factory.connect(roots.accessManager, admin);
  const directory = RegistryDirectory__factory.connect(roots.directory, admin);
  const live = await currentRegistries(roots, admin);
  const next: Record<RegistryName, string> = { ...live.registries };
  const replaced: RollOutReport["replaced"] = [];
  let seeded = 0;
  for (const rolled of rolledOutWith(name)) {
    next[rolled] = await deployRegistry(admin, manager, rolled, next);
    replaced.push({ name: rolled, previous: live.registries[rolled], address: next[rolled] });
    if (rolled === "CredentialTypeRegistry") {
      // The new registry's types are registered from the catalogue, with the issuer periods kept under its address.
      const report = await seedCatalogue(catalogue, connectRegistries({ ...roots, registries: next }, admin), {
        update: false,
        signers,
      });
      seeded = report.registered;
    }
  }
  for (const { name: rolled, address } of replaced) {
    await receiptOf(await directory.setRegistry(id(rolled), address));
  }
  const closed: string[] = [];
  const leftOpen: RollOutReport["leftOpen"] = [];
  for (const { name: rolled, previous } of replaced) {
    if (closedBy(name, rolled)) {
      await receiptOf(await manager.setTargetClosed(previous, true));
      closed.push(previous);
    } else {
      leftOpen.push({
        address: previous,
        why:
          rolled === "CredentialRecordRegistry"
            ? "records queued for it carry its types' ids: close it (operator close CredentialRecordRegistry " +
              `--address ${previous}) once the gateways have anchored them`
            : "ending a department's authority for its types is a write to it",
      });
    }
  }
  return { replaced, seeded, closed, leftOpen };
}
