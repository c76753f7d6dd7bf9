// The native EIP-191 signatures of peer requests are byte for byte ethers' signMessage and verifyMessage.
import { randomBytes } from "node:crypto";
import { Signature, verifyMessage, Wallet } from "ethers";
import { describe, expect, it } from "vitest";
import { eip191Recover, eip191Sign } from "../../services/gateway/src/federation/eip191.ts";

const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("EIP-191 signatures with libsecp256k1", () => {
  const messages = Array.from({ length: 50 }, (_, i) => randomBytes(1 + i * 13));

  it("signs exactly as ethers' Wallet.signMessage does, and ethers recovers the signer", async () => {
    const wallet = Wallet.createRandom();
    for (const message of messages) {
      const ours = `0x${eip191Sign(Buffer.from(wallet.privateKey.slice(2), "hex"), message).toString("hex")}`;
      expect(ours).toBe(await wallet.signMessage(message));
      expect(verifyMessage(message, ours)).toBe(wallet.address);
    }
  });

  it("recovers the signer of a signature ethers made, and another address for another message", async () => {
    const wallet = Wallet.createRandom();
    for (const message of messages.slice(0, 10)) {
      const signature = Buffer.from((await wallet.signMessage(message)).slice(2), "hex");
      expect(eip191Recover(message, signature)).toBe(wallet.address);
      expect(eip191Recover(Buffer.concat([message, Buffer.from([0])]), signature)).not.toBe(wallet.address);
    }
  });

  it("refuses a signature with a high s (EIP-2), a v other than 27 or 28, or another length", async () => {
    const wallet = Wallet.createRandom();
    const message = Buffer.from("peer");
    const signature = Signature.from(await wallet.signMessage(message));
    const highS = (ORDER - BigInt(signature.s)).toString(16).padStart(64, "0");
    const flipped = Buffer.from(`${signature.r.slice(2)}${highS}${signature.v === 27 ? "1c" : "1b"}`, "hex");
    expect(eip191Recover(message, flipped)).toBeUndefined();
    const bytes = Buffer.from(signature.serialized.slice(2), "hex");
    expect(eip191Recover(message, Buffer.concat([bytes.subarray(0, 64), Buffer.from([1])]))).toBeUndefined();
    expect(eip191Recover(message, bytes.subarray(0, 64))).toBeUndefined();
    expect(eip191Recover(message, bytes)).toBe(wallet.address);
  });
});
