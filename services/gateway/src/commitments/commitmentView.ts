// What an answer about a commitment gives back: the commitment without the subject references it is kept under.
import type { StoredCommitment } from "./commitmentStore.ts";

/**
 * The commitment as the deciding department's systems see it, without the subject references and the follower's own
 * bookkeeping. Its record hash stays in: the record is the department's own, as a record it issues is, and it is
 * what proves later what was promised and when.
 */
export function commitmentView(commitment: StoredCommitment) {
  const {
    subjectRef: _subject,
    subjects: _subjects,
    nextCheckAt: _next,
    checks: _checks,
    unlogged: _unlogged,
    materials,
    ...view
  } = commitment;
  return { ...view, materials: materials.map(({ subjectRef: _ref, ...material }) => material) };
}
