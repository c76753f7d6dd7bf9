// The transport floor of the federation benchmark: the same shape (a load generator, a consumer process asking four
// issuer processes at once over keep-alive HTTP, on loopback) with handlers that do nothing but read JSON and answer
// JSON of the real sizes: what the processes and HTTP alone cost on this machine, before any signature, nonce, access
// log, record or chain. Run as a module by bench/federation.ts, and as a child with a role ("issuer", "consumer").
import { type ChildProcess, fork } from "node:child_process";
import { Agent, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { post } from "./http.ts";

/** About what a peer query and its answer carry (headers of a signed request, a record with a batch proof). */
const QUERY_HEADERS = {
  "content-type": "application/json",
  "content-digest": `sha-256=:${"A".repeat(43)}=:`,
  "signature-input": `peer=("@method" "@target-uri" "content-digest" "content-type");created=1764590000;expires=1764590060;nonce="${"ab".repeat(16)}";keyid="market-regulation";tag="oncechain-peer/1"`,
  signature: `peer=:${"B".repeat(88)}:`,
};
const ANSWER = JSON.stringify({
  found: true,
  granted: true,
  issuer: "psb",
  recordHash: `0x${"cd".repeat(32)}`,
  leaf: { recordHash: `0x${"cd".repeat(32)}`, subjectRef: `0x${"ef".repeat(32)}`, credentialType: 1 },
  anchor: { batchRoot: `0x${"12".repeat(32)}`, proof: Array(7).fill(`0x${"34".repeat(32)}`), blockNumber: 1234 },
  record: { fields: { name: "x".repeat(40), address: "y".repeat(120), number: "z".repeat(18) } },
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

function answer(res: ServerResponse, body: string): void {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** A request not answered within this is given up (and counted as an error): a run always ends. */
export const FLOOR_TIMEOUT_MS = 5_000;

function serve(handler: (body: string) => Promise<string> | string): void {
  const server = createServer((req, res) => {
    readBody(req)
      .then(handler)
      .then((body) => answer(res, body))
      .catch(() => res.destroy());
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.send?.(typeof address === "object" && address ? address.port : 0);
  });
}

export interface TransportFloor {
  /** The consumer's port: POST an application body to it. */
  port: number;
  consumerPid: number;
  issuerPids: number[];
  stop(): void;
}

function start(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), args, { execArgv: ["--import", "tsx"], stdio: "ignore" });
    child.once("message", (port) => resolve({ child, port: Number(port) }));
    child.once("exit", (code) => reject(new Error(`a transport-floor process exited (code ${code})`)));
  });
}

/** Starts four issuer processes and a consumer process that asks all four for each application. */
export async function startTransportFloor(issuers = 4): Promise<TransportFloor> {
  const started = await Promise.all(Array.from({ length: issuers }, () => start(["issuer"])));
  const consumer = await start(["consumer", JSON.stringify(started.map((s) => s.port))]);
  const children = [...started, consumer].map((s) => s.child);
  return {
    port: consumer.port,
    consumerPid: consumer.child.pid ?? 0,
    issuerPids: started.map((s) => s.child.pid ?? 0),
    stop: () => {
      for (const child of children) child.kill();
    },
  };
}

const [role, ports] = process.argv.slice(2);
if (role === "issuer") {
  serve((body) => {
    JSON.parse(body);
    return ANSWER;
  });
} else if (role === "consumer") {
  const issuerPorts = JSON.parse(ports ?? "[]") as number[];
  const agent = new Agent({ keepAlive: true });
  serve(async (body) => {
    const application = JSON.parse(body) as unknown;
    const query = JSON.stringify({
      subjectRef: `0x${"ef".repeat(32)}`,
      credentialType: "resident-id-card",
      application,
    });
    const answers = await Promise.all(
      issuerPorts.map((port) =>
        post(agent, `http://127.0.0.1:${port}/federation/records/query`, QUERY_HEADERS, query, FLOOR_TIMEOUT_MS),
      ),
    );
    return JSON.stringify({ materials: answers.map((a) => JSON.parse(a.text)) });
  });
}
