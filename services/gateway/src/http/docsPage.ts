// The API reference at /docs: Swagger UI (swagger-ui-dist) rendering /openapi.json, its script, style and icons
// served by the gateway itself from node_modules, so that the page asks nothing of another origin.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { Request, Response } from "express";
import { GatewayError } from "../errors/GatewayError.ts";

const DIST = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** Swagger UI's settings; no validator (it would send the document to validator.swagger.io). */
const INIT = `window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#reference",
  validatorUrl: null,
  deepLinking: true,
  docExpansion: "list",
  defaultModelsExpandDepth: 0,
  displayRequestDuration: true,
  persistAuthorization: false,
});
`;

/** What /docs/assets/ serves: the renderer's files as they ship, and its settings. */
const ASSETS: Record<string, { type: string; file?: string; text?: string }> = {
  "swagger-ui-bundle.js": { type: "text/javascript; charset=utf-8", file: `${DIST}/swagger-ui-bundle.js` },
  "swagger-ui.css": { type: "text/css; charset=utf-8", file: `${DIST}/swagger-ui.css` },
  "favicon-32x32.png": { type: "image/png", file: `${DIST}/favicon-32x32.png` },
  "favicon-16x16.png": { type: "image/png", file: `${DIST}/favicon-16x16.png` },
  "init.js": { type: "text/javascript; charset=utf-8", text: INIT },
};

// Relative URLs, so that the page works under a proxy's path prefix too.
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>oncechain department gateway: API reference</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" sizes="32x32" href="docs/assets/favicon-32x32.png">
<link rel="icon" type="image/png" sizes="16x16" href="docs/assets/favicon-16x16.png">
</head>
<body>
<noscript>The reference needs JavaScript; the machine-readable description is at <a href="openapi.json">/openapi.json</a>.</noscript>
<div id="reference"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/init.js"></script>
</body>
</html>
`;

/**
 * The page may load only from this origin; requests its "Try it out" sends go to this origin or to the gateway's
 * public URL (the document's server). Swagger UI sets inline styles, and shows images as data: URLs.
 */
export function docsPolicy(publicUrl: string): string {
  const server = new URL(publicUrl).origin;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${server}`,
    "frame-ancestors 'none'",
  ].join("; ");
}

export function serveDocsAsset(req: Request, res: Response): void {
  const name = String(req.params.file);
  // Only the page's own assets: a name like "constructor" is not one of them.
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) throw new GatewayError("NOT_FOUND", { detail: "no such asset of the reference page" });
  res.locals.route = "/docs/assets/:file";
  res.type(asset.type);
  res.set("Cache-Control", "public, max-age=3600");
  if (asset.text !== undefined) res.send(asset.text);
  else res.sendFile(asset.file as string);
}
