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
  return post(agent, url, { "content-type": "application/json", authorization: `Bearer ${token}` }, body, timeoutMs);
}

/** POSTs `body` with `headers`; rejects on a network error, or with "timeout" after `timeoutMs` without a full answer. */
export function post(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      agent,
      headers: { ...headers, "content-length": Buffer.byteLength(body) },
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
