// The benchmark's HTTP client: node:http over a keep-alive agent with no cap on sockets, so that an open-loop run
// never waits for a free connection (a request due is sent on a new socket when every open one is busy).
import { Agent, request } from "node:http";

export interface Answer {
  status: number;
  text: string;
}

export const keepAliveAgent = () => new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/** POSTs `body` as JSON with a bearer token; rejects on a network error or after `timeoutMs` without a full answer. */
export function postJson(agent: Agent, url: string, token: string, body: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      agent,
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        authorization: `Bearer ${token}`,
      },
    });
    const timer = setTimeout(() => req.destroy(new Error("timeout")), timeoutMs);
    req.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.once("error", reject);
      res.once("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.end(body);
  });
}
