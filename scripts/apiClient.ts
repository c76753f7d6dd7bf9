// Writes the typed client's types (services/gateway/client/schema.ts) from the OpenAPI document the gateway serves,
// built here from the same declarations without starting a gateway.
import { writeFileSync } from "node:fs";
import { openApiDocument } from "../services/gateway/src/http/openapi.ts";
import { OPERATIONS_ENDPOINTS } from "../services/gateway/src/http/operationsEndpoints.ts";
import { ROUTES } from "../services/gateway/src/http/routes/index.ts";
import { CLIENT_TYPES_FILE, clientTypes } from "./lib/apiClientTypes.ts";

const document = openApiDocument(ROUTES, OPERATIONS_ENDPOINTS, "http://127.0.0.1:8080");
writeFileSync(CLIENT_TYPES_FILE, await clientTypes(document));
console.log(`wrote ${CLIENT_TYPES_FILE}`);
