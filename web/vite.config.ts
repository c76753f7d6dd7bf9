// The web page's build: Vite bundles web/src with the project's own hash rules (lib/, the gateway's record rules), so
// the browser hashes and checks proofs with the code the server runs. Two Node parts have browser stand-ins: Buffer
// (the `buffer` package, injected where a module names it) and node:crypto's sha256 and random bytes (shims/crypto.ts).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("."),
  // Served by the gateway under /app/; relative URLs also keep it working behind a proxy's path prefix.
  base: "./",
  resolve: { alias: { "node:crypto": here("src/shims/crypto.ts") } },
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    // Top-level await (the WebAssembly hashers are made when their module loads).
    target: "es2022",
    // No inline script or style: the page's Content-Security-Policy allows neither.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2_000,
    rolldownOptions: { transform: { inject: { Buffer: ["buffer", "Buffer"] } } },
  },
});
