// The gateway's one error type: a stable code from the catalogue, the offending field, details safe to show.
import { ERROR_CODES, type ErrorCode } from "./codes.ts";

export interface GatewayErrorOptions {
  /** A JSON pointer or dotted path to the offending field of the request, when there is one. */
  field?: string;
  /** A human explanation; must never contain personal data (ID numbers, names, record contents). */
  detail?: string;
  /** Extra members for the problem document (RFC 9457 extension members). */
  extensions?: Record<string, unknown>;
  /** Response headers the problem comes with (Retry-After, say). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field?: string;
  readonly detail?: string;
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, options: GatewayErrorOptions = {}) {
    super(options.detail ?? ERROR_CODES[code].title, { cause: options.cause });
    this.name = "GatewayError";
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.field = options.field;
    this.detail = options.detail;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }
}
