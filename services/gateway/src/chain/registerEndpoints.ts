// A gateway process puts its departments' endpoints on chain itself, signed by each department's own key: peers find
// a department where it runs, whoever runs it, without the district operator.
import type { Logger } from "pino";
import { receiptOf } from "../../../../lib/chain/receipt.ts";
import type { DepartmentRuntime } from "../department.ts";

/**
 * Sets the endpoint of each department whose endpoint on chain is not `endpointOf(code)`. A department whose change
 * fails (the registry closed, the key without gas) keeps the endpoint it had and the gateway serves on: that is
 * logged, since peers will not find it here.
 */
export async function registerEndpoints(
  departments: Iterable<DepartmentRuntime>,
  endpointOf: (code: string) => string,
  logger: Logger,
): Promise<void> {
  const changed: string[] = [];
  await Promise.all(
    [...departments].map(async (department) => {
      const endpoint = endpointOf(department.code);
      if (department.index.endpoint(department.id) === endpoint) return;
      try {
        // Not tx.wait(): a dozen gateways starting at once on anvil made it wait for a block that never came.
        await receiptOf(await department.registries.departments.setEndpoint(department.id, endpoint));
        changed.push(department.code);
      } catch (error) {
        // A send that failed may have used up a nonce the worker and the committer share: the next one asks the node.
        department.signer.reset();
        logger.warn(
          { department: department.code, endpoint, err: { message: (error as Error).message } },
          "could not register the department's endpoint on chain; peers find it where the chain says instead",
        );
      }
    }),
  );
  if (changed.length > 0) {
    logger.info(
      { departments: changed.sort(), endpoint: endpointOf("<code>") },
      "registered the departments' endpoints on chain, each signed by its own key",
    );
  }
}
