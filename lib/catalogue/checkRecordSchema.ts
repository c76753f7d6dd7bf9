// Checks a credential type's record schema: a JSON Schema 2020-12 that ajv compiles and that never holds the subject's identifier.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { formatFieldPath } from "./errors.ts";

/** A problem inside the record schema; `field` is relative to the credential type entry. */
export interface RecordSchemaProblem {
  readonly field: string;
  readonly message: string;
}

// The gateway carries the subject (ID number, unified social credit code) separately and only as a keyed hash;
// a copy inside the record would put the plain identifier into every stored and shared record.
const SUBJECT_IDENTIFIER =
  /^(id|idNo|idNumber|idCard(No|Number)?|identity(Card)?(No|Number)|citizenId|passport(No|Number)?|(unifiedSocial)?CreditCode|uscc)$/i;

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);

export function checkRecordSchema(schema: Record<string, unknown>): RecordSchemaProblem[] {
  if (!ajv.validateSchema(schema)) {
    return (ajv.errors ?? []).map((error) => ({
      field: formatFieldPath(["schema", ...pointerToPath(error.instancePath)]),
      message: `not a valid JSON Schema: ${error.message ?? error.keyword}`,
    }));
  }
  const problems: RecordSchemaProblem[] = [];
  try {
    ajv.compile(schema);
  } catch (error) {
    // Strict mode rejects unknown keywords and formats that validateSchema lets through.
    problems.push({ field: "schema", message: `JSON Schema does not compile: ${(error as Error).message}` });
  }
  for (const path of subjectIdentifierFields(schema, ["schema"])) {
    problems.push({
      field: formatFieldPath(path),
      message:
        "looks like the subject's own identifier, which the gateway carries as the subject, never inside the record",
    });
  }
  return problems;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === "") {
    return [];
  }
  return pointer
    .slice(1)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function* subjectIdentifierFields(node: unknown, path: (string | number)[]): Generator<(string | number)[]> {
  if (typeof node !== "object" || node === null) {
    return;
  }
  const { properties, items } = node as { properties?: unknown; items?: unknown };
  if (typeof properties === "object" && properties !== null) {
    for (const [key, child] of Object.entries(properties)) {
      if (SUBJECT_IDENTIFIER.test(key)) {
        yield [...path, "properties", key];
      }
      yield* subjectIdentifierFields(child, [...path, "properties", key]);
    }
  }
  yield* subjectIdentifierFields(items, [...path, "items"]);
}
