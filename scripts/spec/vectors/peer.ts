// Vectors of SPEC.md §9: a peer request's Content-Digest, signature base, Signature-Input and Signature, and the
// address its signature recovers to, for fixed keys, bodies and times.
import { Wallet } from "ethers";
import { eip191Recover } from "../../../services/gateway/src/federation/eip191.ts";
import { peerSignatureBase, signPeerRequest } from "../../../services/gateway/src/federation/signing.ts";
import { accepted, type Case } from "./cases.ts";
import { fixed32, ISSUED_AT_SECONDS } from "./fixtures.ts";

/** A signer key of the vectors: sha256 of a label, a valid secp256k1 key nobody uses for anything else. */
const SIGNER_KEY = fixed32("oncechain spec vectors: market-regulation signer");
const URL_PSB = "http://127.0.0.1:8102/departments/psb/federation/records/query";

const BODIES = {
  compact:
    '{"subjectRef":"0x8b1f0a9d6a3c2e4f5b7d9e1a3c5e7f9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c","credentialType":"resident-id-card",' +
    '"purpose":"open-convenience-store","applicationId":"app-AAECAwQFBgcICQoLDA0ODw"}',
  spacedAndReordered:
    '{\n  "purpose": "open-homestay",\n  "applicationId": "app-EBESExQVFhcYGRobHB0eHw",\n  "credentialType": "real-estate-title",\n' +
    '  "subjectRef": "0x1c3e5a7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c"\n}',
};

function signed(name: string, url: string, body: string, department: string, created: number, nonce: string): Case {
  const input = { privateKey: SIGNER_KEY, method: "POST", url, body, department, created, nonce };
  return accepted(name, input, () => {
    const request = { method: "POST", url, body, department, created, nonce };
    const headers = signPeerRequest(SIGNER_KEY, request);
    const { base } = peerSignatureBase(request);
    const signature = Buffer.from((headers.signature ?? "").slice("peer=:".length, -1), "base64");
    return {
      signer: eip191Recover(Buffer.from(base, "utf8"), signature),
      contentDigest: headers["content-digest"],
      signatureBase: base,
      signatureInput: headers["signature-input"],
      signature: headers.signature,
    };
  });
}

export function peerSignatureCases(): Case[] {
  if (new Wallet(SIGNER_KEY).address.length !== 42) throw new Error("the vectors' signer key is not a key");
  return [
    signed(
      "a compact body",
      URL_PSB,
      BODIES.compact,
      "market-regulation",
      ISSUED_AT_SECONDS,
      fixed32("nonce 1").slice(2, 34),
    ),
    signed(
      "the same query spaced out and reordered: another digest, another signature",
      URL_PSB.replace("8102/departments/psb", "8107/departments/real-estate-registry"),
      BODIES.spacedAndReordered,
      "market-regulation",
      ISSUED_AT_SECONDS + 61,
      fixed32("nonce 2").slice(2, 34),
    ),
  ];
}
