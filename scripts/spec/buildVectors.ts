// The test vectors of docs/SPEC.md, rule by rule, each computed by the project's own implementation of the rule.
import { accessLogChainCases, accessLogEntryCases, accessLogTreeCases } from "./vectors/accessLog.ts";
import { anchorRequestCases, batchLeafCases, batchProofCases, batchTreeCases } from "./vectors/batches.ts";
import type { Vectors } from "./vectors/cases.ts";
import { codeKeyCases, credentialTypeCases, grantIdCases, scenarioCases } from "./vectors/catalogue.ts";
import { peerSignatureCases } from "./vectors/peer.ts";
import {
  canonicalJsonCases,
  canonicalRecordCases,
  fieldProofCases,
  fieldTreeCases,
  recordHashCases,
} from "./vectors/records.ts";
import { identifierCases, subjectRefCases } from "./vectors/subjects.ts";

/** Every rule's cases under its key, in the order SPEC.md states the rules. */
export function buildVectors(): Vectors {
  return {
    canonicalJson: canonicalJsonCases(),
    canonicalRecord: canonicalRecordCases(),
    recordHash: recordHashCases(),
    fieldTree: fieldTreeCases(),
    fieldProof: fieldProofCases(),
    identifierNormalisation: identifierCases(),
    subjectRef: subjectRefCases(),
    batchLeaf: batchLeafCases(),
    batchTree: batchTreeCases(),
    batchProof: batchProofCases(),
    anchorRequest: anchorRequestCases(),
    codeKey: codeKeyCases(),
    credentialTypeOnChain: credentialTypeCases(),
    scenarioOnChain: scenarioCases(),
    grantId: grantIdCases(),
    accessLogEntry: accessLogEntryCases(),
    accessLogChain: accessLogChainCases(),
    accessLogTree: accessLogTreeCases(),
    peerSignature: peerSignatureCases(),
  };
}
