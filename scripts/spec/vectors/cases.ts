// The shape of a test vector, and the two ways one is made: an output the rule gives, or a refusal it must make.

/** One case of a rule: its output for the input, or (for an input the rule must refuse) why it is refused. */
export type Case =
  | { name: string; input: unknown; expected: unknown }
  | { name: string; input: unknown; error: string };

/** The cases of every rule, by the rule's key in docs/spec-vectors.json. */
export type Vectors = Record<string, Case[]>;

/** A case the rule accepts; the generator stops if it refuses, so a case never records an accident. */
export function accepted(name: string, input: unknown, compute: () => unknown): Case {
  try {
    return { name, input, expected: compute() };
  } catch (error) {
    throw new Error(`vector "${name}" was meant to be accepted: ${(error as Error).message}`);
  }
}

/** A case the rule refuses, with the message the project's implementation refuses it with. */
export function refused(name: string, input: unknown, compute: () => unknown): Case {
  let output: unknown;
  try {
    output = compute();
  } catch (error) {
    return { name, input, error: (error as Error).message };
  }
  throw new Error(`vector "${name}" was meant to be refused, and gave ${JSON.stringify(output)}`);
}

/** The first problem a zod schema found, as its implementation reports it: `path: message`, or the message alone. */
export function firstIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join(".");
  return path ? `${path}: ${issue?.message}` : `${issue?.message}`;
}
