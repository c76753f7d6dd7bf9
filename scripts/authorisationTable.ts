// npm run docs:authorisation: writes docs/AUTHORISATION.md, who may call each route, from the routes' declarations.
import { writeFileSync } from "node:fs";
import { ROUTES } from "../services/gateway/src/http/routes/index.ts";
import { authorisationMarkdown } from "./lib/authorisationTable.ts";

const file = new URL("../docs/AUTHORISATION.md", import.meta.url);
writeFileSync(file, authorisationMarkdown(ROUTES));
console.log(`wrote docs/AUTHORISATION.md: ${ROUTES.length} routes`);
