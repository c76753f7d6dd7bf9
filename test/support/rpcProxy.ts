// A JSON-RPC proxy in front of a node, which a test turns into a node that is down, fails, hangs or drops the answer to
// a sent transaction. Real HTTP on loopback, in the test's process; the node behind it is a process of its own.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * - `pass`: forwards each request and its answer.
 * - `cut`: closes every connection, open or new (a node down, or the network between).
 * - `http500`: answers HTTP 500 without asking the node (a node whose server fails).
 * - `rpcError`: answers each request with JSON-RPC error -32603 (a node that errs inside).
 * - `hang`: forwards each request to the node and never answers (a node, or a link, that stalls).
 */
export type ProxyMode = "pass" | "cut" | "http500" | "rpcError" | "hang";

export interface RpcProxy {
  url: string;
  mode(next: ProxyMode): void;
  /** The next eth_sendRawTransaction goes to the node (which takes it), and its answer is dropped. */
  dropNextSend(): void;
  dropped(): number;
  /** eth_sendRawTransaction requests that reached the node through the proxy. */
  sendsForwarded(): number;
  close(): Promise<void>;
}

export async function rpcProxy(target: string): Promise<RpcProxy> {
  let mode: ProxyMode = "pass";
  let dropNextSend = false;
  let dropped = 0;
  let sends = 0;
  const hanging = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    if (mode === "cut") return req.socket.destroy();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (mode === "http500") {
        res.statusCode = 500;
        return res.end("internal server error");
      }
      if (mode === "rpcError") {
        const parsed = JSON.parse(body) as { id: number } | { id: number }[];
        const error = (p: { id: number }) => ({
          jsonrpc: "2.0",
          id: p.id,
          error: { code: -32603, message: "internal" },
        });
        res.setHeader("content-type", "application/json");
        return res.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(error) : error(parsed)));
      }
      const hang = mode === "hang";
      const sending = body.includes('"eth_sendRawTransaction"');
      const upstream = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }).catch(() => undefined);
      if (sending && upstream) sends++;
      if (!upstream || mode === "cut") return req.socket.destroy();
      const text = await upstream.text();
      if (hang) {
        // Never answered: held until the client gives up or the proxy closes.
        const release = () => req.socket.destroy();
        hanging.add(release);
        req.socket.once("close", () => hanging.delete(release));
        return;
      }
      if (dropNextSend && sending) {
        // Sent to the node, which mines it; the client never hears back.
        dropNextSend = false;
        dropped++;
        return req.socket.destroy();
      }
      res.setHeader("content-type", "application/json");
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mode(next) {
      mode = next;
      if (next === "cut") server.closeAllConnections();
    },
    dropNextSend() {
      dropNextSend = true;
    },
    dropped: () => dropped,
    sendsForwarded: () => sends,
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of hanging) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
