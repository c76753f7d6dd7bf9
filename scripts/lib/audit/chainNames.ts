// Names of what the chain refers to by id or code key (departments, credential types, scenarios), read once each, so
// that a report says "psb", not "department 3", wherever the chain knows the name.
import type { Registries } from "../../../lib/chain/registries.ts";
import { codeKey } from "../../../lib/encoding/codeKey.ts";
import { onChainScenario } from "../seed/plan.ts";

export interface ChainNames {
  department(id: number): Promise<string>;
  /** 0 when no department has this code. */
  departmentId(code: string): Promise<number>;
  /** The code of the credential type with this code key; the key itself when the chain has none. */
  type(key: string): Promise<string>;
  /** The code of the scenario with this code key; "none" for the zero key, the key itself when unknown. */
  scenario(key: string): Promise<string>;
}

export function chainNames(registries: Registries): ChainNames {
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let found = memo.get(key) as Promise<T> | undefined;
    if (!found) {
      found = read();
      memo.set(key, found);
    }
    return found;
  };
  return {
    department: (id) => once(`d${id}`, async () => (await registries.departments.department(id)).code),
    departmentId: (code) =>
      once(`c${code}`, async () => Number(await registries.departments.departmentIdOf(codeKey(code)))),
    type: (key) =>
      once(`t${key}`, async () => {
        const id = await registries.types.latestTypeId(key);
        return id === 0n ? key : (await registries.types.credentialType(id)).code;
      }),
    scenario: (key) =>
      once(`s${key}`, async () =>
        BigInt(key) === 0n ? "none" : ((await onChainScenario(registries, key))?.code ?? key),
      ),
  };
}
