// API keys of the department systems that call a gateway: stored hashed in a file the CLI edits, never logged.
import { hash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { GatewayError } from "../errors/GatewayError.ts";

export const ROLES = ["issuer", "consumer", "auditor", "operator"] as const;
export type Role = (typeof ROLES)[number];

export interface StoredKey {
  id: string;
  role: Role;
  label: string;
  /** sha256 of the secret part, hex. */
  hash: string;
  createdAt: string;
  revokedAt?: string;
}

/** Who is calling: never the key itself. */
export interface Caller {
  keyId: string;
  role: Role;
  department: string;
}

const hashSecret = (secret: string) => hash("sha256", secret);

/** The parts of a token `oc_<department>_<id>_<secret>`; the secret is base64url and may itself contain "_". */
export function parseToken(token: string | undefined): { department: string; id: string; secret: string } | undefined {
  const match = /^oc_([a-z0-9-]+)_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/.exec(token ?? "");
  if (!match) return undefined;
  const [, department = "", id = "", secret = ""] = match;
  return { department, id, secret };
}

/**
 * How often a gateway looks at the key file again: a key created, rotated or revoked with the CLI counts within this
 * long, and a busy gateway does not stat the file on every request.
 */
export const KEY_FILE_RECHECK_MS = 200;

/** The key file of a department: a JSON array of StoredKey, replaced atomically on every change. */
export class ApiKeyFile {
  #keys: StoredKey[] = [];
  #mtimeMs = -1;
  #checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly path: string,
    readonly department: string,
  ) {}

  /**
   * The keys as the file holds them; `fresh`: look at the file now, not only every KEY_FILE_RECHECK_MS. A file that
   * cannot be read fails every call until it can (a key is never judged by a list the file no longer holds).
   */
  #load(fresh = true): StoredKey[] {
    const now = performance.now();
    if (!fresh && now - this.#checkedAt < KEY_FILE_RECHECK_MS) return this.#keys;
    const mtime = statSync(this.path, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    if (mtime !== this.#mtimeMs) {
      this.#keys = mtime < 0 ? [] : (JSON.parse(readFileSync(this.path, "utf8")) as StoredKey[]);
      this.#mtimeMs = mtime;
    }
    this.#checkedAt = now;
    return this.#keys;
  }

  #save(keys: StoredKey[]): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
    this.#keys = keys;
    this.#mtimeMs = statSync(this.path).mtimeMs;
  }

  list(): StoredKey[] {
    return this.#load().map((k) => ({ ...k }));
  }

  /** Creates a key; the returned token is shown once and is not stored. Format: `oc_<department>_<id>_<secret>`. */
  create(role: Role, label = ""): { token: string; key: StoredKey } {
    const id = randomBytes(6).toString("hex");
    const secret = randomBytes(24).toString("base64url");
    const key: StoredKey = { id, role, label, hash: hashSecret(secret), createdAt: new Date().toISOString() };
    this.#save([...this.#load(), key]);
    return { token: `oc_${this.department}_${id}_${secret}`, key };
  }

  revoke(id: string): StoredKey {
    const keys = this.#load().map((k) => ({ ...k }));
    const key = keys.find((k) => k.id === id);
    if (!key) throw new Error(`no key ${id} for department ${this.department}`);
    key.revokedAt ??= new Date().toISOString();
    this.#save(keys);
    return key;
  }

  /** Revokes the key and creates one with the same role and label. */
  rotate(id: string): { token: string; key: StoredKey } {
    const old = this.revoke(id);
    return this.create(old.role, old.label);
  }

  /** The caller a presented token stands for; a clear 401 otherwise. */
  authenticate(token: string | undefined): Caller {
    const parsed = parseToken(token);
    if (!parsed) throw new GatewayError("UNAUTHENTICATED", { detail: "send Authorization: Bearer <API key>" });
    const { department, id, secret } = parsed;
    if (department !== this.department) throw new GatewayError("FORBIDDEN_DEPARTMENT");
    const key = this.#load(false).find((k) => k.id === id);
    const presented = Buffer.from(hashSecret(secret ?? ""), "hex");
    if (!key || !timingSafeEqual(presented, Buffer.from(key.hash, "hex"))) {
      throw new GatewayError("UNAUTHENTICATED", { detail: "the API key is not known at this department" });
    }
    if (key.revokedAt) throw new GatewayError("API_KEY_REVOKED");
    return { keyId: key.id, role: key.role, department: this.department };
  }
}
