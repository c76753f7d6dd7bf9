// One chain reached through several JSON-RPC nodes: a node that is down, fails, times out or is behind another is
// skipped, and what is sent goes on through the next. Used by the gateway, the scripts and the audit CLI alike
// (scripts/lib/chainConnection.ts connects them all through it), so that nothing depends on one node.
//
// What it promises, each tested in test/chain/failover.test.ts against anvil processes:
// - **Never older than seen.** The head it has seen (the highest eth_blockNumber any node answered) never goes back: a
//   node is used only once it has answered eth_chainId with the chain's id and eth_blockNumber at or past that head,
//   and a node that answers an older block afterwards is left. A gateway's index reads "as of" a block; a node behind
//   would otherwise answer for an older one (a record not yet anchored there, a revocation not yet made).
// - **Never sent twice.** A signed transaction sent again through another node (the first timed out: it may have gone)
//   is the same transaction, with the same hash and nonce, so at most one of them is mined. When the second node says
//   it knows it already, or that its nonce is used, the answer is the transaction's hash if the node holds it. A
//   transaction answered for and not yet seen mined is given to each node switched to: the node that took it may go
//   before its block reaches the others, and the sender, finding it nowhere, would send the work again.
// - **Said.** Each switch is told to the `onSwitch` listeners (the gateway logs it and counts it in /metrics).
import {
  type JsonRpcApiProviderOptions,
  type JsonRpcPayload,
  JsonRpcProvider,
  type JsonRpcResult,
  keccak256,
  makeError,
} from "ethers";

type Payload = JsonRpcPayload;
/** A node's answer to one request: a result or an error (ethers' JsonRpcResult, with the error case spelled out). */
type Answer = JsonRpcResult & { result?: unknown; error?: { code: number; message: string; data?: unknown } };

export interface RpcSwitch {
  /** The nodes' labels: their URLs without credentials or path (a path may hold an access token). */
  from: string;
  to: string;
  reason: string;
}

export interface FailoverOptions {
  /** The chain's id: a node answering another is never used. */
  chainId: number;
  /** How long a node may take to answer one request (or batch) before the next node is asked. */
  timeoutMs?: number;
  /** How long a node that failed is passed over before it is tried again (unless every other one is worse). */
  retryAfterMs?: number;
  /** How often every node's head is compared, so that a node fallen behind another is left; 0: never. */
  headCheckMs?: number;
  /** How long a node at most two blocks behind the highest seen is waited for before it is passed over. */
  catchUpMs?: number;
  /**
   * Blocks a transaction needs on top of it, its own included, before it counts as done; and the gateway's index
   * follows the chain that far behind its head. 1 on a chain with immediate finality (QBFT, anvil).
   */
  confirmations?: number;
  /** The node asked first (an index into the URLs): the first that answered when connecting. */
  firstNode?: number;
}

/** JSON-RPC errors that are the node's fault (or its limits), not an answer about the chain: the next node is asked. */
const NODE_FAULTS = new Set([-32603, -32002, -32005, -32601]);
/** A node's answer to a transaction sent again that it holds already, or whose nonce is used (maybe by it). */
const KNOWN_TRANSACTION = /already known|known transaction|already imported|nonce too low|nonce has already been used/i;

/** Transactions sent and not yet seen mined that are kept to be given to the next node. */
const UNMINED_KEPT = 256;

/** Connection errors of a request sent on a connection the other side had just closed. */
const CLOSED_UNDER_REQUEST = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

/** The highest block an answer to each method shows its node to hold. */
const SHOWS_BLOCK: Record<string, (result: unknown) => number | undefined> = {
  eth_getTransactionReceipt: (r) => blockField(r, "blockNumber"),
  eth_getTransactionByHash: (r) => blockField(r, "blockNumber"),
  eth_getBlockByNumber: (r) => blockField(r, "number"),
  eth_getBlockByHash: (r) => blockField(r, "number"),
  eth_getLogs: (r) =>
    Array.isArray(r) && r.length > 0 ? Math.max(...r.map((log) => blockField(log, "blockNumber") ?? -1)) : undefined,
};
function blockField(value: unknown, key: string): number | undefined {
  const field = (value as Record<string, unknown> | null)?.[key];
  return typeof field === "string" ? Number(field) : undefined;
}

interface Node {
  /** The URL without user and password, which go in `headers` as HTTP Basic authentication. */
  url: string;
  headers: Record<string, string>;
  label: string;
  /** Not asked again before this time (ms since the epoch) unless no other node can answer. */
  avoidUntil: number;
}

/**
 * Where a request to `url` goes: the URL without its user and password (fetch refuses a URL that has them), and those
 * as an HTTP Basic Authorization header, as a node behind an authenticating proxy expects.
 */
export function requestTarget(url: string): { url: string; headers: Record<string, string> } {
  const parsed = new URL(url);
  if (parsed.username === "" && parsed.password === "") return { url, headers: {} };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.toString(), headers: { authorization: `Basic ${Buffer.from(credentials).toString("base64")}` } };
}

/** A JSON-RPC request (or batch) posted to a node, with its authentication, given up after `timeoutMs`. */
function postJson(target: { url: string; headers: Record<string, string> }, body: unknown, timeoutMs: number) {
  return fetch(target.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** The label a node is known by in logs and metrics: scheme, host and port, never a user, password or path. */
export function nodeLabel(url: string): string {
  try {
    const { protocol, host } = new URL(url);
    return `${protocol}//${host}`;
  } catch {
    return "(not a URL)";
  }
}

class NodeFault extends Error {}

export class FailoverProvider extends JsonRpcProvider {
  readonly nodes: readonly Node[];
  readonly confirmations: number;
  readonly #options: Required<Omit<FailoverOptions, "firstNode">>;
  readonly #listeners = new Set<(event: RpcSwitch) => void>();
  #current = 0;
  #highestHead = -1;
  #headTimer: NodeJS.Timeout | undefined;
  #switches = 0;

  constructor(urls: readonly string[], options: FailoverOptions, providerOptions: JsonRpcApiProviderOptions = {}) {
    if (urls.length === 0) throw new Error("no RPC URL given");
    super(urls[0], options.chainId, { ...providerOptions, staticNetwork: true });
    this.nodes = urls.map((url) => ({ ...requestTarget(url), label: nodeLabel(url), avoidUntil: 0 }));
    this.#options = {
      timeoutMs: 15_000,
      retryAfterMs: 5_000,
      headCheckMs: 5_000,
      catchUpMs: 3_000,
      confirmations: 1,
      ...options,
    };
    this.confirmations = this.#options.confirmations;
    this.#current = Math.min(Math.max(0, options.firstNode ?? 0), this.nodes.length - 1);
    if (this.nodes.length > 1 && this.#options.headCheckMs > 0) {
      this.#headTimer = setInterval(() => void this.checkHeads().catch(() => undefined), this.#options.headCheckMs);
      this.#headTimer.unref();
    }
  }

  /** The node requests go to now. */
  get currentNode(): string {
    return (this.nodes[this.#current] as Node).label;
  }

  /** The highest block any node has answered. */
  get highestHead(): number {
    return this.#highestHead;
  }

  get switches(): number {
    return this.#switches;
  }

  /** Calls `listener` at each switch from one node to another, until the function it returns is called. */
  onSwitch(listener: (event: RpcSwitch) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  override destroy(): void {
    clearInterval(this.#headTimer);
    super.destroy();
  }

  /** Asks every node its head; when the current one is behind another, requests go to the most advanced from now. */
  async checkHeads(): Promise<void> {
    const heads = await Promise.all(
      this.nodes.map((node) =>
        this.#post(node, [{ method: "eth_blockNumber", params: [], id: 1, jsonrpc: "2.0" }]).then(
          (answers) => (typeof answers[0]?.result === "string" ? Number(answers[0].result) : -1),
          () => -1,
        ),
      ),
    );
    const best = Math.max(...heads);
    if (best < 0) return;
    const current = heads[this.#current] ?? -1;
    // A block behind is a block on its way (a node hears of a new block a moment after another): not a reason to move.
    if (current >= best - 1) return;
    const next = heads.indexOf(best);
    const node = this.nodes[next] as Node;
    if ((await this.#check(node)) && next !== this.#current) {
      await this.#moveTo(next, `the node was behind: block ${current} where another has ${best}`);
    }
  }

  override async _send(payload: Payload | Payload[]): Promise<JsonRpcResult[]> {
    const batch = Array.isArray(payload) ? payload : [payload];
    const failures: string[] = [];
    for (const index of this.#order()) {
      const node = this.nodes[index] as Node;
      if (index !== this.#current) {
        if (!(await this.#check(node))) {
          failures.push(`${node.label}: not usable`);
          continue;
        }
        // Requests failing together each check the next node; the first to find it usable moves them all.
        if (index !== this.#current) await this.#moveTo(index, failures.at(-1) ?? "the node before it failed");
      }
      try {
        const answers = await this.#post(node, batch);
        this.#noteHeads(batch, answers);
        await this.#resolveKnown(node, batch, answers);
        this.#noteSent(batch, answers);
        return answers;
      } catch (error) {
        if (!(error instanceof NodeFault)) throw error;
        this.#avoid(node);
        failures.push(`${node.label}: ${error.message}`);
      }
    }
    throw makeError(`no node of the chain answered (${failures.join("; ")})`, "NETWORK_ERROR", {
      event: "request",
      info: { failures },
    });
  }

  /** The current node, then the others in order; those avoided come last, so that one of them is still tried. */
  #order(): number[] {
    const now = Date.now();
    const rest = this.nodes.map((_, i) => (this.#current + i) % this.nodes.length);
    return [
      ...rest.filter((i) => (this.nodes[i] as Node).avoidUntil <= now),
      ...rest.filter((i) => (this.nodes[i] as Node).avoidUntil > now),
    ];
  }

  #avoid(node: Node): void {
    node.avoidUntil = Date.now() + this.#options.retryAfterMs;
  }

  /**
   * Transactions sent and not yet seen mined: the signed bytes, by hash. A node that took one may go before it is
   * mined, or before its block reaches the others; the node switched to is given the same bytes (the same
   * transaction, at the same nonce), so that the sender's wait for its receipt ends there instead of taking it for
   * dropped and sending the work again as another transaction.
   */
  readonly #unmined = new Map<string, { raw: string; at: number }>();

  #noteSent(batch: Payload[], answers: Answer[]): void {
    for (const payload of batch) {
      const answer = answers.find((a) => a.id === payload.id);
      if (payload.method === "eth_sendRawTransaction" && typeof answer?.result === "string") {
        this.#unmined.set(answer.result.toLowerCase(), {
          raw: String((payload.params as unknown[])[0]),
          at: Date.now(),
        });
      }
      if (
        (payload.method === "eth_getTransactionReceipt" || payload.method === "eth_getTransactionByHash") &&
        answer?.result !== null &&
        typeof (answer?.result as { blockNumber?: unknown } | undefined)?.blockNumber === "string"
      ) {
        this.#unmined.delete(String((payload.params as unknown[])[0]).toLowerCase());
      }
    }
    // Kept for an hour at most, and the last UNMINED_KEPT: a sender waits for its receipt far less.
    for (const [hash, { at }] of this.#unmined) {
      if (this.#unmined.size <= UNMINED_KEPT && Date.now() - at < 3_600_000) break;
      this.#unmined.delete(hash);
    }
  }

  /** Gives `node` every transaction sent and not yet seen mined; what it already holds it answers for as known. */
  async #rebroadcast(node: Node): Promise<void> {
    const raws = [...this.#unmined.values()];
    if (raws.length === 0) return;
    await this.#post(
      node,
      raws.map(({ raw }, i) => ({ method: "eth_sendRawTransaction", params: [raw], id: i + 1, jsonrpc: "2.0" })),
    ).catch(() => undefined);
  }

  /** Requests go to node `index` from now, and it is given what was sent and not yet seen mined. */
  async #moveTo(index: number, reason: string): Promise<void> {
    this.#switchTo(index, reason);
    await this.#rebroadcast(this.nodes[index] as Node);
  }

  #switchTo(index: number, reason: string): void {
    const from = (this.nodes[this.#current] as Node).label;
    this.#current = index;
    this.#switches++;
    const event = { from, to: (this.nodes[index] as Node).label, reason };
    for (const listener of this.#listeners) listener(event);
  }

  /**
   * Whether `node` is of the chain and not behind the head seen: asked at every switch to it, however recently it was
   * asked before (a node checked while it was level with the others may have fallen behind since).
   */
  async #check(node: Node): Promise<boolean> {
    // A node a block or two behind the highest seen is usually a block on its way to it: it is asked again for up to
    // catchUpMs before it is passed over (and it is never used while it is behind).
    const deadline = Date.now() + this.#options.catchUpMs;
    for (;;) {
      let answers: Answer[];
      try {
        answers = await this.#post(node, [
          { method: "eth_chainId", params: [], id: 1, jsonrpc: "2.0" },
          { method: "eth_blockNumber", params: [], id: 2, jsonrpc: "2.0" },
        ]);
      } catch {
        this.#avoid(node);
        return false;
      }
      // A batch's answers may come in any order: each is found by its id.
      const chainId = Number(answers.find((a) => a.id === 1)?.result);
      const head = Number(answers.find((a) => a.id === 2)?.result);
      if (chainId === this.#options.chainId && head >= this.#highestHead) {
        this.#highestHead = head;
        return true;
      }
      if (chainId !== this.#options.chainId || !(head >= this.#highestHead - 2) || Date.now() >= deadline) {
        this.#avoid(node);
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * Records the blocks a node has shown it holds: its head (eth_blockNumber), and the block of a receipt, a block, a
   * mined transaction or a log it answered. A head older than the highest block seen is the node's fault.
   */
  #noteHeads(batch: Payload[], answers: Answer[]): void {
    for (const payload of batch) {
      const answer = answers.find((a) => a.id === payload.id);
      if (answer?.result === undefined || answer.result === null) continue;
      if (payload.method === "eth_blockNumber") {
        const head = Number(answer.result);
        if (head < this.#highestHead) throw new NodeFault(`behind: block ${head} after ${this.#highestHead} was seen`);
        this.#highestHead = head;
        continue;
      }
      const shown = SHOWS_BLOCK[payload.method]?.(answer.result);
      if (shown !== undefined && Number.isSafeInteger(shown)) this.#highestHead = Math.max(this.#highestHead, shown);
    }
  }

  /**
   * A transaction sent again (a node failed while it was being sent, or its connection closed under it): if this node
   * answers that it knows it, or that its nonce is used, and it holds a transaction of that very hash, the answer is
   * the hash, as if this node had taken it first. The same signed bytes are the same transaction, sent once.
   */
  async #resolveKnown(node: Node, batch: Payload[], answers: Answer[]): Promise<void> {
    for (const payload of batch) {
      if (payload.method !== "eth_sendRawTransaction") continue;
      const answer = answers.find((a) => a.id === payload.id);
      if (!answer?.error || !KNOWN_TRANSACTION.test(answer.error.message)) continue;
      const hash = keccak256(String((payload.params as unknown[])[0]));
      const [held] = await this.#post(node, [
        { method: "eth_getTransactionByHash", params: [hash], id: 1, jsonrpc: "2.0" },
      ]);
      if (held?.result) {
        delete answer.error;
        answer.result = hash;
      }
    }
  }

  /** One request (or batch) to one node; what is the node's fault throws NodeFault. */
  async #post(node: Node, batch: Payload[], again = true): Promise<Answer[]> {
    let response: Response;
    try {
      response = await postJson(node, batch.length === 1 ? batch[0] : batch, this.#options.timeoutMs);
    } catch (error) {
      if ((error as Error).name === "TimeoutError")
        throw new NodeFault(`no answer within ${this.#options.timeoutMs} ms`);
      const code = (error as { cause?: { code?: string } }).cause?.code ?? "";
      // A kept-alive connection the node closed as the request went out: asked once more, on a new connection. A
      // transaction sent twice this way is the same transaction (see #resolveKnown).
      if (again && CLOSED_UNDER_REQUEST.has(code)) return this.#post(node, batch, false);
      throw new NodeFault(`unreachable${code ? ` (${code})` : ""}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new NodeFault(`HTTP ${response.status}, not JSON`);
    }
    if (!response.ok) throw new NodeFault(`HTTP ${response.status}`);
    const answers = (Array.isArray(body) ? body : [body]) as Answer[];
    const fault = answers.find((a) => a?.error && NODE_FAULTS.has(a.error.code));
    if (fault?.error) {
      throw new NodeFault(`JSON-RPC error ${fault.error.code} (${String(fault.error.message).slice(0, 120)})`);
    }
    return answers;
  }
}

/** A list of RPC URLs as CHAIN_RPC_URL, --network and --rpc take it: comma-separated, each http(s). */
export function rpcUrlList(value: string): string[] {
  const urls = value
    .split(",")
    .map((url) => url.trim())
    .filter((url) => url !== "");
  const wrong = urls.find((url) => !/^https?:\/\/[^\s]+$/.test(url));
  if (wrong !== undefined || urls.length === 0) {
    throw new Error(`${wrong ?? JSON.stringify(value)}: not an http(s) URL (give one, or several separated by commas)`);
  }
  return urls;
}

/** The nodes of a list of RPC URLs as logs and messages name them (no user, password or path). */
export const nodeLabels = (rpcUrls: string): string =>
  rpcUrls
    .split(",")
    .map((url) => url.trim())
    .filter((url) => url !== "")
    .map(nodeLabel)
    .join(", ");

/** Why none of the nodes can be used, or why they cannot be used together: each node named by its label. */
export class ChainConnectError extends Error {
  constructor(
    message: string,
    readonly reasons: readonly string[],
  ) {
    super(message);
    this.name = "ChainConnectError";
  }
}

/**
 * A FailoverProvider over `urls`, once the nodes have answered eth_chainId: those that answer must agree (and agree with
 * `chainId` when given); a node that does not answer now is used once it does. Each probe is a plain request with a
 * timeout, so that a URL where nothing answers fails at once with its reason instead of ethers retrying for ever.
 */
export async function connectFailover(
  urls: readonly string[],
  options: Omit<FailoverOptions, "chainId"> & { chainId?: number; probeTimeoutMs?: number },
  providerOptions: JsonRpcApiProviderOptions = {},
): Promise<{ provider: FailoverProvider; chainId: number; unreachable: string[] }> {
  const probes = await Promise.all(
    urls.map(async (url) => {
      try {
        const response = await postJson(
          requestTarget(url),
          { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] },
          options.probeTimeoutMs ?? 10_000,
        );
        if (!response.ok) return { url, reason: `HTTP ${response.status}` };
        const answer = (await response.json()) as { result?: unknown };
        if (typeof answer.result !== "string") return { url, reason: "not a JSON-RPC node: no chain id" };
        return { url, chainId: Number(answer.result) };
      } catch (error) {
        const inner = (error as { cause?: { code?: string; message?: string } }).cause;
        // A code or an error's name, never its message: a message may quote the URL, and a URL may hold a password.
        return { url, reason: inner?.code ?? (error as Error).name };
      }
    }),
  );
  const reasons = probes.filter((p) => p.reason !== undefined).map((p) => `${nodeLabel(p.url)}: ${p.reason}`);
  const ids = [...new Set(probes.flatMap((p) => (p.chainId === undefined ? [] : [p.chainId])))];
  if (ids.length === 0) throw new ChainConnectError(`no chain answers at ${urls.map(nodeLabel).join(", ")}`, reasons);
  if (ids.length > 1 || (options.chainId !== undefined && ids[0] !== options.chainId)) {
    const seen = probes.flatMap((p) => (p.chainId === undefined ? [] : [`${nodeLabel(p.url)}: chain ${p.chainId}`]));
    throw new ChainConnectError(
      `the RPC URLs are not of one chain${options.chainId !== undefined ? ` (${options.chainId} expected)` : ""}: ${seen.join(", ")}`,
      reasons,
    );
  }
  const chainId = ids[0] as number;
  const firstNode = probes.findIndex((p) => p.chainId !== undefined);
  const provider = new FailoverProvider(urls, { ...options, chainId, firstNode }, providerOptions);
  return { provider, chainId, unreachable: reasons };
}
