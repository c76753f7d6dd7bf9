// The first member of a JSON text whose meaning depends on the reader: one named twice in one object (JSON.parse keeps
// the last of them silently, another reader may keep the first), or one named __proto__ (JSON.parse keeps it as a
// member, while an object built by assignment, as schema validators build their output, takes it as its prototype
// and loses it). Also a number JSON.parse cannot hold as written: an integer beyond 2^53 − 1 or a decimal of more digits
// than a double keeps (read as a neighbour), or a magnitude beyond a double's range (read as Infinity or 0). A signed or hashed body must mean one
// thing, so such a body is refused instead. Hand-written because no maintained library does only this: the ones that
// do parse the whole text again into a tree.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Where the member is: the path of names to it (array positions as numbers), its own name last. */
export type MemberPath = (string | number)[];

/** A member a body may not have, where it is, and why. */
export interface RefusedMember {
  path: MemberPath;
  why: "named twice" | "named __proto__" | "a number not held exactly";
}

interface Frame {
  /** The names met in this object; undefined for an array. */
  names?: Set<string>;
  /** The name of the member being read (in an object) or the position (in an array), for the path. */
  at: string | number;
  /** In an object: whether the next string is a member name. */
  expectName: boolean;
}

/** The end (exclusive) of the string token starting at `start` (its opening quote); the text's end if unclosed. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    i += c === BACKSLASH ? 2 : 1;
  }
  return text.length;
}

/** Where a number token starting at `start` ends: JSON's number characters. */
function numberEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && /[0-9eE.+-]/.test(text[i] as string)) i++;
  return i;
}

/** The value a number token (or a number as JavaScript writes it) denotes: sign, significant digits, exponent. */
function decimalOf(token: string): string {
  const [, sign = "", whole = "", fraction = "", exponent = "0"] =
    /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(token) ?? [];
  const all = `${whole}${fraction}`;
  const digits = all.replace(/^0+/, "").replace(/0+$/, "");
  if (digits === "") return "0";
  // value = 0.<digits> × 10^e
  const e = Number(exponent) + whole.length - (all.length - all.replace(/^0+/, "").length);
  return `${sign}${digits}e${e}`;
}

/**
 * Whether JSON.parse reads this number token as another value than the one written: an integer beyond ±(2^53 − 1),
 * which it rounds to a neighbour, more significant digits than a double keeps, or a magnitude it reads as Infinity or
 * as 0. The test: the double it reads, written back as JavaScript writes it, must denote the value written. At most 15
 * plain characters always pass, and are not converted.
 */
function notHeldExactly(token: string): boolean {
  if (token.length <= 15 && !/[eE]/.test(token)) return false;
  const value = Number(token);
  return !Number.isFinite(value) || decimalOf(String(value)) !== decimalOf(token);
}

/** A name with escapes, decoded; as written when it does not decode (the text was not valid JSON after all). */
function decodedName(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw;
  }
}

/**
 * The first member that repeats a name already used in the same object, or is named __proto__, or the first number not
 * held exactly (see notHeldExactly); undefined when there is none. `text` should be valid JSON (JSON.parse accepted it): the scan relies on that and checks nothing else,
 * though it ends on any text. Names are compared as decoded, so "a" and "\u0061" are the same name.
 */
export function firstRefusedMember(text: string): RefusedMember | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === "{") {
      stack.push({ names: new Set(), at: "", expectName: true });
    } else if (c === "[") {
      stack.push({ at: 0, expectName: false });
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      if (top?.names) top.expectName = true;
      else if (top) top.at = (top.at as number) + 1;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      if (top?.names && top.expectName) {
        const raw = text.slice(i, end);
        const name = raw.includes("\\") ? decodedName(raw) : raw.slice(1, -1);
        // Each enclosing container's `at` is where this object stands in it.
        const path = () => [...stack.slice(0, -1).map((f) => f.at), name];
        if (top.names.has(name)) return { path: path(), why: "named twice" };
        if (name === "__proto__") return { path: path(), why: "named __proto__" };
        top.names.add(name);
        top.at = name;
        top.expectName = false;
      }
      i = end - 1;
    } else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) {
      const end = numberEnd(text, i);
      if (notHeldExactly(text.slice(i, end))) return { path: stack.map((f) => f.at), why: "a number not held exactly" };
      i = end - 1;
    }
  }
  return undefined;
}
