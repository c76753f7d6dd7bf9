// The web page at /app/ (web/, built by Vite into web/dist): served by the gateway itself, every asset from this
// origin, under a Content-Security-Policy that allows no inline script or style and no other origin.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Request, Response } from "express";
import { GatewayError } from "../errors/GatewayError.ts";

/** Where the built page is: ONCECHAIN_WEB_DIR, else web/dist in this checkout. */
export const webDir = () =>
  process.env.ONCECHAIN_WEB_DIR ?? resolve(fileURLToPath(new URL("../../../../web/dist", import.meta.url)));

/**
 * Scripts and styles from this origin only ('wasm-unsafe-eval' lets the page compile the WebAssembly hashers, and
 * nothing else); requests to this origin only; the camera's stream and decoded images as media and blobs.
 */
export const WEB_PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const notBuilt = () =>
  new GatewayError("NOT_FOUND", {
    detail: "the web page is not built here: run npm run build:web (npm start builds it)",
  });

export function serveWebIndex(req: Request, res: Response): void {
  res.locals.route = "/app/";
  if (!req.path.endsWith("/")) {
    res.redirect(301, "app/");
    return;
  }
  const index = join(webDir(), "index.html");
  if (!existsSync(index)) throw notBuilt();
  res.set("Content-Security-Policy", WEB_PAGE_POLICY);
  res.set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Cache-Control", "no-cache");
  res.sendFile(index);
}

export function serveWebAsset(req: Request, res: Response): void {
  res.locals.route = "/app/assets/:file";
  const name = String(req.params.file);
  // A built asset's name: Vite's hashed file names, nothing that climbs out of the folder.
  if (!/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:js|css|wasm|svg|png|woff2?)$/.test(name)) {
    throw new GatewayError("NOT_FOUND", { detail: "no such asset of the web page" });
  }
  const file = join(webDir(), "assets", name);
  if (!existsSync(file)) throw new GatewayError("NOT_FOUND", { detail: "no such asset of the web page" });
  res.set("X-Content-Type-Options", "nosniff");
  // The names carry their content's hash: a new build is new names.
  res.set("Cache-Control", "public, max-age=31536000, immutable");
  res.sendFile(file);
}
