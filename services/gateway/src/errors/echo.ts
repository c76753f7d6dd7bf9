// What of a client's own input a problem may repeat: only names shaped like field names, never values.

/** A field name: ASCII letters first, at most 64 characters, and no run of four digits (ID numbers are digit runs). */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const DIGIT_RUN = /[0-9]{4}/;

/**
 * Whether a name the client chose (an unknown member of a body) may be repeated in a problem: a mistyped field name is
 * worth naming, while anything else may be personal (an ID number, a name) and is left out.
 */
export function echoable(name: string): boolean {
  return FIELD_NAME.test(name) && !DIGIT_RUN.test(name);
}

/**
 * A path to where a problem is, cut before the first name the client chose that may not be repeated (a member of a
 * record of names, such as a disclosure's fields): the problem then names the object holding it, and says so.
 */
export function echoablePath(path: readonly PropertyKey[]): { path: PropertyKey[]; cut: boolean } {
  const at = path.findIndex((part) => typeof part === "string" && !echoable(part));
  return at < 0 ? { path: [...path], cut: false } : { path: path.slice(0, at), cut: true };
}

/** What a problem says of a member whose name it does not repeat. */
export const WITHIN_UNNAMED_MEMBER = "in a member whose name is not repeated";

/** How a problem says where a member it does not repeat is. */
export const UNNAMED_MEMBER = "has a member that is not one of its fields (the name is not repeated)";
