// A stand-in for the gateway, as the flood of the load-and-fairness run (loadFairness.ts) sees it: the same quota (the
// gateway's own token bucket), the same holding of refusals before they are answered, and nothing else: no key to
// check, no record to verify, no log. The flood sent here costs the machine what the flooding client costs it; the
// others' p99 while it runs tells that cost from the gateway's share of a flood sent to the gateway.
// Usage: node --import tsx floodSink.ts <requests a second> <burst>; prints the port it listens on.
import { createServer } from "node:http";
import { keyQuota, MAX_HELD_REFUSALS } from "../../services/gateway/src/auth/keyQuota.ts";

const [perSecond = "100", burst = "200"] = process.argv.slice(2);
const quota = keyQuota({ perSecond: Number(perSecond), burst: Number(burst) });
let held = 0;
const server = createServer((req, res) => {
  req.resume();
  req.once("end", async () => {
    const verdict = quota?.take("flood", performance.now()) ?? { admitted: true as const };
    if (verdict.admitted) {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"valid"}');
      return;
    }
    if (held < MAX_HELD_REFUSALS) {
      held++;
      await new Promise((resolve) => setTimeout(resolve, verdict.retryAfterSeconds * 1000));
      held--;
    }
    res
      .writeHead(429, { "content-type": "application/problem+json", "retry-after": String(verdict.retryAfterSeconds) })
      .end('{"code":"KEY_QUOTA_EXCEEDED","status":429}');
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(typeof address === "object" && address ? address.port : "");
});
