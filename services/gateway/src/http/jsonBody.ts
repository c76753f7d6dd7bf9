// Reading a JSON request body. The common case, an uncompressed body sent as plain `application/json` (at most with
// `charset=utf-8`), is read here directly, which costs a few microseconds less per request than body-parser's general
// path; anything else (compressed, another charset or parameter) goes to express.json, whose answers it keeps.
import { isUtf8 } from "node:buffer";
import express, { type Request, type Response } from "express";
import { firstRefusedMember } from "../../../../lib/encoding/duplicateMembers.ts";
import { echoable } from "../errors/echo.ts";
import { GatewayError } from "../errors/GatewayError.ts";

/** The content types read here: JSON, at most declared UTF-8. Any other parameter or spelling goes to express.json. */
const PLAIN_JSON = /^application\/json[ \t]*(?:;[ \t]*charset[ \t]*=[ \t]*utf-8[ \t]*)?$/i;
/** JSON's insignificant whitespace, then the first character of the value. */
const FIRST_CHAR = /^[ \t\n\r]*(.)/s;

const tooLarge = (limit: number) =>
  new GatewayError("PAYLOAD_TOO_LARGE", { detail: `the body is larger than ${limit} bytes` });
const malformed = (detail = "the body is not valid JSON") =>
  new GatewayError("MALFORMED_JSON", { field: "body", detail });
/** A body whose bytes are not text in its charset: refused, not read with replacement characters. */
const notText = (charset: string) =>
  malformed(`the body is not valid ${charset}: JSON is text, and no byte is replaced`);

/**
 * The parsed body, as express.json({ strict: true }) reads it: a BOM is dropped and only an object or array may stand
 * at the top; MALFORMED_JSON for anything else, VALIDATION_FAILED for no body at all.
 */
function parseJsonText(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = FIRST_CHAR.exec(body)?.[1];
  if (first === undefined) {
    throw new GatewayError("VALIDATION_FAILED", { field: "body", detail: "body: a JSON body is required" });
  }
  if (first !== "{" && first !== "[") throw malformed();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformed();
  }
  refuseMembers(body);
  return parsed;
}

/** CHARSET in a content type, as body-parser finds it (a quoted value unquoted); UTF-8 when there is none. */
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * The body's text in its declared charset. body-parser reads JSON only in a `utf-` charset; one WHATWG's decoder
 * lacks (UTF-32) is refused here rather than read wrongly.
 */
function textOf(bytes: Uint8Array, contentType = ""): string {
  const charset = CHARSET.exec(contentType)?.[1]?.toLowerCase() ?? "utf-8";
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw new GatewayError("UNSUPPORTED_MEDIA_TYPE", { detail: `the charset ${charset} is not read here; send UTF-8` });
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw notText(charset);
  }
}

const MEMBER_REFUSALS = {
  "named twice": "is named twice in one object: which one counts would depend on the reader",
  "named __proto__":
    "is named __proto__, which readers take either as a member or as the object's prototype: send another name",
  "a number not held exactly":
    "is a number a JSON reader cannot hold as written (an integer beyond 2^53 − 1, more digits than a double keeps, or a magnitude beyond its range): it would be read as another number; send it as a string, or with fewer digits",
} as const;

/**
 * A member named twice in one object, or named __proto__, is refused: JSON.parse keeps the last of two silently, and
 * keeps __proto__ as a member that the schemas' copies then lose; a body whose meaning depends on the reader (a
 * signed peer request, a hashed record) must have one meaning. The path is named where every name on it is shaped
 * like a field name.
 */
function refuseMembers(text: string): void {
  const found = firstRefusedMember(text);
  if (!found) return;
  const named = found.path.every((part) => typeof part === "number" || echoable(part));
  throw new GatewayError("VALIDATION_FAILED", {
    field: named ? found.path.join(".") : "body",
    detail: `${named ? found.path.join(".") : "a member"} ${MEMBER_REFUSALS[found.why]}`,
  });
}

/**
 * The body bytes each request's JSON was read from, for as long as the request lives: a signature over the body (a
 * peer request's Content-Digest) is checked against the bytes received, not against a re-serialisation of them.
 */
const rawBodies = new WeakMap<Request, Uint8Array>();

/** The bytes the request's body was read from; empty when none was read. */
export const rawBodyOf = (req: Request): Uint8Array => rawBodies.get(req) ?? new Uint8Array();

/** A reader of JSON request bodies: PAYLOAD_TOO_LARGE over `limit` bytes, else the body as parseJsonText gives it. */
export function jsonBodyReader(limit: number): (req: Request, res: Response) => Promise<unknown> {
  const general = express.json({
    limit,
    type: () => true,
    strict: true,
    verify: (req, _res, bytes) => {
      rawBodies.set(req as Request, bytes);
    },
  });
  return (req, res) => {
    const encoding = req.headers["content-encoding"]?.toLowerCase();
    if ((encoding !== undefined && encoding !== "identity") || !PLAIN_JSON.test(req.headers["content-type"] ?? "")) {
      return new Promise((resolve, reject) => {
        general(req, res, (error?: unknown) => {
          if (error) return reject(error);
          try {
            // The bytes as received (decompressed), read in the charset body-parser read them in.
            const text = textOf(rawBodyOf(req), req.headers["content-type"]);
            refuseMembers(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
            resolve(req.body);
          } catch (refused) {
            reject(refused);
          }
        });
      });
    }
    if (Number(req.headers["content-length"]) > limit) return Promise.reject(tooLarge(limit));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const fail = (error: GatewayError) => {
        if (settled) return;
        settled = true;
        chunks.length = 0;
        reject(error);
      };
      req.on("data", (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        // Over the limit: refuse now; the rest of the body is read and dropped by the HTTP server.
        if (size > limit) fail(tooLarge(limit));
        else chunks.push(chunk);
      });
      req.on("end", () => {
        if (settled) return;
        settled = true;
        const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
        rawBodies.set(req, bytes);
        try {
          // Bytes that are not UTF-8 would be read with U+FFFD in their place: a record unlike the one sent.
          if (!isUtf8(bytes)) throw notText("UTF-8");
          resolve(parseJsonText(bytes.toString("utf8")));
        } catch (error) {
          reject(error);
        }
      });
      req.on("error", () => fail(malformed("the body could not be read")));
      req.on("close", () => {
        if (!req.complete) fail(malformed("the body could not be read"));
      });
    });
  };
}
