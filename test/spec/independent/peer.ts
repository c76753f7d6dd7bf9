// SPEC.md §9 written again from the text: a peer request's digest, signature base, Signature-Input and signature.
import { createHash } from "node:crypto";
import { verifyMessage, Wallet } from "ethers";

export interface PeerInput {
  privateKey: string;
  method: string;
  url: string;
  body: string;
  department: string;
  created: number;
  nonce: string;
}

export async function peerSignature(input: PeerInput) {
  const contentDigest = `sha-256=:${createHash("sha256").update(input.body, "utf8").digest("base64")}:`;
  const params =
    `("@method" "@target-uri" "content-digest" "content-type");created=${input.created};` +
    `expires=${input.created + 60};nonce="${input.nonce}";keyid="${input.department}";tag="oncechain-peer/1"`;
  const signatureBase = [
    `"@method": ${input.method.toUpperCase()}`,
    `"@target-uri": ${input.url}`,
    `"content-digest": ${contentDigest}`,
    `"content-type": application/json`,
    `"@signature-params": ${params}`,
  ].join("\n");
  const signed = await new Wallet(input.privateKey).signMessage(signatureBase);
  return {
    signer: verifyMessage(signatureBase, signed),
    contentDigest,
    signatureBase,
    signatureInput: `peer=${params}`,
    signature: `peer=:${Buffer.from(signed.slice(2), "hex").toString("base64")}:`,
  };
}
