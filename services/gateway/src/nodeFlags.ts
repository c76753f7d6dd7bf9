// The Node flags a gateway process runs with: `npm start` and `npm run gateway` pass them (package.json), and the
// gateway benchmark starts its gateway with them; test/gateway/nodeFlags.test.ts keeps the three in step.
//
// --max-semi-space-size=16: V8 grows its young generation with the allocation rate, to 2 × 64 MiB under a verify
// load, and keeps it; at 16 MiB per semi-space a gateway holding 100,000 records stays near 200 MiB RSS instead of
// near 400, at the same throughput (bench/results/gateway.md).
export const GATEWAY_NODE_FLAGS = ["--max-semi-space-size=16"] as const;
