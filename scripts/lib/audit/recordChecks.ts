// The checks of verify-record, each from what the file says and what the chain holds; the rules they apply are the
// project's own (lib/encoding, lib/records, the registries' views), none written again here.
import type { Hex32 } from "../../../lib/encoding/canonical.ts";
import { type RecordAnchor, verifyRecordProof } from "../../../lib/encoding/recordLeaf.ts";
import { describeRevocationReason } from "../../../lib/records/revocationReasons.ts";
import { batchLeafFits } from "../../../lib/records/statusRules.ts";
import type { IndexedBatch } from "../../../services/gateway/src/chain/chainIndex.ts";
import type { Evidence, Verdict } from "../../../services/gateway/src/records/verifyRecord.ts";
import type { FileAnchor } from "./recordFile.ts";
import { type Check, isoTime } from "./report.ts";

export function hashCheck(recordHash: Hex32, claimed: Hex32 | undefined): Check {
  const name = "record hash";
  if (claimed === undefined) return { name, ok: true, detail: `${recordHash}, recomputed from the canonical form` };
  if (claimed === recordHash) {
    return { name, ok: true, detail: `${recordHash}, recomputed from the canonical form, as the file says` };
  }
  return {
    name,
    ok: false,
    detail:
      `does not match: the file says ${claimed}, the record's canonical form hashes to ${recordHash}; ` +
      "the record's content was altered",
  };
}

export function proofCheck(
  root: Hex32,
  leaf: RecordAnchor,
  proof: readonly string[],
  batch: IndexedBatch | undefined,
): Check {
  const name = "batch proof";
  if (!verifyRecordProof(root, leaf, proof)) {
    return {
      name,
      ok: false,
      detail:
        `the record's hash ${leaf.recordHash} does not match the batch: its leaf and the proof do not lead to root ` +
        `${root} (the record or the proof differs from what was anchored)`,
    };
  }
  if (!batch) {
    return {
      name,
      ok: false,
      detail: `the proof leads to ${root}, but the issuer anchored no batch with that root in any record registry`,
    };
  }
  if (!batchLeafFits(leaf, batch.recordCount, proof.length)) {
    return {
      name,
      ok: false,
      detail: `a proof of ${proof.length} nodes is no leaf's of a batch of ${batch.recordCount}`,
    };
  }
  return {
    name,
    ok: true,
    detail: `leads from the record's leaf to root ${root}, a batch of ${batch.recordCount} anchored in block ${batch.blockNumber}`,
  };
}

export function anchoredCheck(
  recordHash: Hex32,
  issuerId: number,
  evidence: Evidence | undefined,
  anchor: FileAnchor | undefined,
): Check {
  const name = "anchored";
  if (evidence) {
    return {
      name,
      ok: true,
      detail: `by department ${evidence.issuer} in block ${evidence.blockNumber} (tx ${evidence.txHash}), registry ${evidence.registry}`,
    };
  }
  let why =
    "the hash matches no record anchored alone or registered from a batch: the content differs from what was " +
    "anchored, or it was anchored in a batch and the file needs its anchor (batchRoot and proof)";
  if (anchor?.batchRoot) why = "see the batch proof";
  else if (anchor?.state === "queued" || anchor?.state === "stranded") {
    why = `the file says it is ${anchor.state}: read it again from its gateway (GET /records/{hash}) once anchored`;
  }
  return { name, ok: false, detail: `department ${issuerId} anchored no record ${recordHash}: ${why}` };
}

function describe(status: string, e: Evidence | undefined): string {
  if (!e) return status;
  switch (status) {
    case "revoked":
      return `revoked at ${isoTime(e.revokedAt)} (${describeRevocationReason(e.revocationReason)})`;
    case "superseded":
      return `superseded by ${e.supersededBy}`;
    case "expired":
      return `expired: valid until ${isoTime(e.validUntil)}`;
    case "not-yet-valid":
      return `not yet valid: valid from ${isoTime(e.validFrom)}`;
    case "issuer-not-authorised":
      return `issuer-not-authorised: department ${e.issuer} was not authoritative for type ${e.credentialType} when it anchored`;
    case "issuer-suspended":
      return `issuer-suspended: department ${e.issuer} is suspended`;
    default:
      return status;
  }
}

/** The registry's own combined check, as it answers now. */
export function statusCheck(chain: Verdict): Check {
  const where = chain.evidence ? `registry ${chain.evidence.registry}` : "every record registry the directory named";
  return {
    name: "status",
    ok: chain.status === "valid",
    detail: `${describe(chain.status, chain.evidence)}, as ${where} answers at block ${chain.asOfBlock}`,
  };
}

export function agreementCheck(chain: Verdict, events: Verdict): Check {
  return chain.status === events.status
    ? { name: "events", ok: true, detail: `the registry's events give ${events.status} too, under the status rules` }
    : { name: "events", ok: false, detail: `the registry answers ${chain.status}, its events give ${events.status}` };
}

/** Whether what the file says of its anchoring (registry, block, transaction) is what the chain's events say. */
export function fileAnchorCheck(anchor: FileAnchor | undefined, evidence: Evidence | undefined): Check | undefined {
  if (!anchor || !evidence || (!anchor.registry && !anchor.txHash && anchor.blockNumber === undefined))
    return undefined;
  const differences: string[] = [];
  const same = (a: string, b: string | undefined) => a.toLowerCase() === b?.toLowerCase();
  if (anchor.registry && !same(anchor.registry, evidence.registry))
    differences.push(`registry ${anchor.registry}, the chain's ${evidence.registry}`);
  if (anchor.txHash && !same(anchor.txHash, evidence.txHash))
    differences.push(`tx ${anchor.txHash}, the chain's ${evidence.txHash}`);
  if (anchor.blockNumber !== undefined && anchor.blockNumber !== evidence.blockNumber)
    differences.push(`block ${anchor.blockNumber}, the chain's ${evidence.blockNumber}`);
  return differences.length === 0
    ? { name: "file's anchor", ok: true, detail: "its registry, block and transaction are the chain's" }
    : { name: "file's anchor", ok: false, detail: `the file says ${differences.join("; ")}` };
}
