// A typed client of a department gateway for department systems: openapi-fetch over the types that openapi-typescript
// generates from the gateway's own OpenAPI document (schema.ts), so a call the API does not have does not compile.
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./schema.ts";

export type { components, operations, paths } from "./schema.ts";

export type GatewayClient = Client<paths>;

export interface GatewayClientOptions {
  /** The gateway's base URL, e.g. `http://127.0.0.1:8080` (the department is a path parameter of each call). */
  baseUrl: string;
  /** A department system's API key, `oc_<department>_<id>_<secret>`; none for the operations endpoints. */
  apiKey?: string;
}

export function createGatewayClient({ baseUrl, apiKey }: GatewayClientOptions): GatewayClient {
  return createClient<paths>({ baseUrl, headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
}
