// What an answer about an application gives back: the application without what links it to its subject.
import type { Application } from "./applicationStore.ts";
import type { MaterialEvidence } from "./materialOutcome.ts";

/**
 * A material's evidence as an answer gives it: who holds the record and the verdict as of a block. The record hash,
 * the anchor (transaction, block, batch root, proof) and the validity each find the record's event on chain, which
 * names the subject reference; they stay in the kept application.
 */
const evidenceView = ({ issuer, issuerId, status, asOfBlock }: MaterialEvidence) => ({
  issuer,
  issuerId,
  status,
  asOfBlock,
});

/**
 * The application as a person-facing answer: without the subject references, which must not leave the gateway, nor
 * anything in its evidence that would link it to them on chain.
 */
export function applicationView(application: Application) {
  const { subjectRef: _subject, organisationRef: _organisation, ...view } = application;
  return {
    ...view,
    materials: view.materials.map((m) =>
      m.outcome.status === "unavailable" || !m.outcome.evidence
        ? m
        : { ...m, outcome: { ...m.outcome, evidence: evidenceView(m.outcome.evidence) } },
    ),
  };
}
