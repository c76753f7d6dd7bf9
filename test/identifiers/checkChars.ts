// Independent check-character rules for synthetic identifiers: each found by search, not by the validators' tables.

/** 17 digits completed with the character that makes the ISO 7064 MOD 11-2 sum, weights 2^17..2^0, come to 1. */
export function withResidentCheck(body: string): string {
  for (let c = 0; c <= 10; c++) {
    const digits = [...body].map(Number).concat(c);
    const sum = digits.reduce((acc, d, i) => acc + d * 2 ** (17 - i), 0);
    if (sum % 11 === 1) return body + (c === 10 ? "X" : String(c));
  }
  throw new Error("no check character fits");
}

const CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/** 17 credit-code characters completed with the one that makes the sum, weights 3^i mod 31 and 1 for it, divide by 31. */
export function withCreditCheck(body: string): string {
  const sum = [...body].reduce((acc, ch, i) => acc + CREDIT_ALPHABET.indexOf(ch) * (3 ** i % 31), 0);
  for (const [value, ch] of [...CREDIT_ALPHABET].entries()) {
    if ((sum + value) % 31 === 0) return body + ch;
  }
  throw new Error("no check character fits");
}

/** `id` with its last character replaced by each other character of `alphabet`. */
export function wrongChecks(id: string, alphabet: string): string[] {
  return [...alphabet].filter((c) => c !== id.at(-1)).map((c) => id.slice(0, -1) + c);
}
