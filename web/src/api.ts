// The gateway this page came from: its service index, and calls to it that turn a problem+json answer into an error
// a person can read (its title, its detail, the field it names).

import type { operations } from "../../services/gateway/client/schema.ts";
import { t } from "./i18n.ts";

/** The JSON an operation answers with `status`, as the gateway's OpenAPI document (and its typed client) declares it. */
export type Answer<
  Op extends keyof operations,
  Status extends keyof operations[Op]["responses"],
> = operations[Op]["responses"][Status] extends {
  content: { "application/json": infer Body };
}
  ? Body
  : never;

/** The gateway's root: the page is served at <root>/app/. */
const ROOT = new URL("../", window.location.href);

export interface Hosted {
  code: string;
  nameZh: string;
  nameEn: string;
}

export class ApiProblem extends Error {
  override name = "ApiProblem";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly field?: string,
  ) {
    super(detail ?? title);
  }
}

/** An error as a person reads it: a problem's title and detail, or any other error's message. */
export const problemText = (error: unknown) =>
  error instanceof ApiProblem ? `${error.title}${error.detail ? `: ${error.detail}` : ""}` : (error as Error).message;

export interface CallOptions {
  method?: "GET" | "POST";
  body?: unknown;
  /** An API key or a citizen's self-service token, sent as a bearer token. */
  bearer?: string;
  idempotencyKey?: string;
}

export async function call<T>(path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ""), ROOT), {
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    throw new ApiProblem(0, "UNREACHABLE", t("common.unreachable"));
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const p = (body ?? {}) as { code?: string; title?: string; detail?: string; field?: string };
    throw new ApiProblem(response.status, p.code ?? "HTTP", p.title ?? response.statusText, p.detail, p.field);
  }
  return body as T;
}

let hosted: Promise<Hosted[]> | undefined;

/** The departments this gateway hosts (from its service index). */
export function hostedDepartments(): Promise<Hosted[]> {
  hosted ??= call<{ departments: Hosted[] }>("/").then((index) => index.departments);
  return hosted;
}

/** The department whose public routes answer for this gateway: any it hosts says what the chain says. */
export async function publicBase(): Promise<string> {
  const [first] = await hostedDepartments();
  if (!first) throw new ApiProblem(503, "NO_DEPARTMENT", t("common.noDepartment"));
  return `/departments/${first.code}/public`;
}
