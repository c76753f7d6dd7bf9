// The flood of the load-and-fairness run (loadFairness.ts), as a process of its own: one key's requests at an even rate,
// whatever their answers, for a number of seconds; prints what they were answered as JSON. Its own process, so that its
// work is not counted in the latency the run measures for the other departments.
// Usage: node --import tsx floodClient.ts <url> <token> <body> <rate> <seconds>
import { openLoop } from "../../bench/support/openLoop.ts";

const [url = "", token = "", body = "", rate = "0", seconds = "0"] = process.argv.slice(2);
const statuses: Record<string, number> = {};
// Loaded (Node and tsx's work done): the run starts measuring once the flood is under way.
process.stderr.write("flooding\n");
let withoutRetryAfter = 0;
const result = await openLoop(Number(rate), Number(seconds), async () => {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });
  await response.arrayBuffer();
  statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  if (response.status === 429 && !response.headers.get("retry-after")) withoutRetryAfter++;
  return "ok";
});
console.log(
  JSON.stringify({
    sent: result.sent,
    failed: result.sent - result.ok,
    statuses,
    withoutRetryAfter,
    maxSendLagMs: result.maxSendLagMs,
  }),
);
