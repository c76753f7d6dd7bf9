// The human-readable API page served at /docs.
export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oncechain gateway API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}code{background:#f3f3f3;padding:0 .2em}
.op{border-top:1px solid #ddd;padding:.6rem 0}.m{font-weight:bold;text-transform:uppercase;width:4rem;display:inline-block}</style>
</head><body><h1>oncechain department gateway</h1>
<p>The machine-readable description is at <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI 3.1).</p>
<div id="ops">Loading…</div>
<script>
fetch("/openapi.json").then(r => r.json()).then(doc => {
  const ops = document.getElementById("ops"); ops.textContent = "";
  for (const [path, methods] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(methods)) {
    const div = document.createElement("div"); div.className = "op";
    const m = document.createElement("span"); m.className = "m"; m.textContent = method;
    const p = document.createElement("code"); p.textContent = path;
    const s = document.createElement("div"); s.textContent = op.summary + " — roles: " + [].concat(op["x-roles"]).join(", ");
    div.append(m, p, s); ops.append(div);
  }
});
</script></body></html>`;
