// CredentialRecordRegistry.anchorBySig: records signed (EIP-712) by a department key and submitted by a relayer.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { concat, Signature, type TypedDataDomain, toBeHex, ZeroAddress, ZeroHash } from "ethers";
import { beforeEach, describe, expect, it } from "vitest";
import { deployRegistries } from "../../lib/chain/registries.ts";
import type { Hex32 } from "../../lib/encoding/canonical.ts";
import type { RecordAnchor } from "../../lib/encoding/recordLeaf.ts";
import { type RegistryFixture, registryFixture } from "../support/chain.ts";
import { expectEvent } from "../support/events.ts";
import {
  type AnchorTerms,
  anchorSigner,
  RecordStatus,
  recordAnchor,
  recordsDomain,
  signAnchor,
  statusOf,
} from "../support/records.ts";
import { expectRevert } from "../support/reverts.ts";

/** A keyed nonce: `key << 64 | sequence`, as NoncesKeyed packs it. */
const keyed = (key: bigint, sequence: bigint) => (key << 64n) | sequence;

describe("CredentialRecordRegistry.anchorBySig", () => {
  let f: RegistryFixture;
  let domain: TypedDataDomain;
  let card: RecordAnchor;
  let terms: AnchorTerms;

  beforeEach(async () => {
    f = await registryFixture();
    domain = recordsDomain(f.deployment.chainId, await f.registries.records.getAddress());
    card = recordAnchor("id card");
    terms = {
      signer: f.issuer.address,
      issuer: f.ids.psb,
      signerEpoch: 1,
      nonce: 0,
      deadline: (await f.latestTimestamp()) + 3600,
    };
  });

  const relayed = () => f.registries.records.connect(f.outsider);
  const sign = (signer: HardhatEthersSigner, record: RecordAnchor, signed: AnchorTerms) =>
    signAnchor(signer, domain, { record, terms: signed });
  const send = (record: RecordAnchor, signed: AnchorTerms, signature: string) =>
    relayed().anchorBySig(record, signed, signature);

  it("anchors a record signed by the issuer's key and submitted by an outsider, using up the signer's nonce", async () => {
    const signature = await sign(f.issuer, card, terms);
    const records = relayed();
    await expectEvent(send(card, terms, signature), records, "CredentialAnchored", [
      card.recordHash,
      card.subjectRef,
      f.ids.psb,
      f.ids.residentId,
      0,
      0,
    ]);
    expect(await records["nonces(address,uint192)"](f.issuer.address, 0)).toBe(1n);
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toMatchObject({
      status: RecordStatus.Valid,
      evidence: { issuer: 1n, anchoredAt: BigInt(await f.latestTimestamp()) },
    });
  });

  it("reverts with CredentialRegistryInvalidSignature when another key signed for the claimed signer", async () => {
    const signature = await sign(f.otherDepartment, card, terms);
    await expectRevert(send(card, terms, signature), relayed(), "CredentialRegistryInvalidSignature", [
      f.issuer.address,
      f.otherDepartment.address,
    ]);
  });

  it("reverts with CredentialRegistryInvalidSignature when the relayer changes the signed record", async () => {
    const signature = await sign(f.issuer, card, terms);
    const stretched = { ...card, validUntil: 4_000_000_000 };
    const recovered = anchorSigner(domain, { record: stretched, terms }, signature);
    await expectRevert(send(stretched, terms, signature), relayed(), "CredentialRegistryInvalidSignature", [
      f.issuer.address,
      recovered,
    ]);
  });

  it("reverts with CredentialRegistryInvalidSignature when the relayer names another department than the signed one", async () => {
    const signature = await sign(f.issuer, card, terms);
    const renamed = { ...terms, issuer: f.ids.market };
    await expectRevert(send(card, renamed, signature), relayed(), "CredentialRegistryInvalidSignature", [
      f.issuer.address,
      anchorSigner(domain, { record: card, terms: renamed }, signature),
    ]);
  });

  it("reverts with InvalidAccountNonce when a used signature is replayed", async () => {
    const signature = await sign(f.issuer, card, terms);
    await (await send(card, terms, signature)).wait();
    await expectRevert(send(card, terms, signature), relayed(), "InvalidAccountNonce", [f.issuer.address, 1]);
    expect(await relayed()["nonces(address,uint192)"](f.issuer.address, 0)).toBe(1n);
  });

  it("accepts a request in the block whose timestamp equals the deadline", async () => {
    const deadline = (await f.latestTimestamp()) + 100;
    const signed = { ...terms, deadline };
    const signature = await sign(f.issuer, card, signed);
    await f.setNextTimestamp(deadline);
    await (await send(card, signed, signature)).wait();
    expect(await f.latestTimestamp()).toBe(deadline);
    expect((await statusOf(relayed(), f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Valid);
  });

  it("reverts with CredentialRegistryExpiredSignature one second after the deadline, leaving the nonce unused", async () => {
    const timestamp = (await f.latestTimestamp()) + 100;
    const signed = { ...terms, deadline: timestamp - 1 };
    const signature = await sign(f.issuer, card, signed);
    await f.setNextTimestamp(timestamp);
    await expectRevert(send(card, signed, signature), relayed(), "CredentialRegistryExpiredSignature", [timestamp - 1]);
    expect(await relayed()["nonces(address,uint192)"](f.issuer.address, 0)).toBe(0n);
  });

  it("reverts with CredentialRegistryInvalidSignature when the signature is for another chain id", async () => {
    const elsewhere = { ...domain, chainId: BigInt(f.deployment.chainId) + 1n };
    const signature = await signAnchor(f.issuer, elsewhere, { record: card, terms });
    await expectRevert(send(card, terms, signature), relayed(), "CredentialRegistryInvalidSignature", [
      f.issuer.address,
      anchorSigner(domain, { record: card, terms }, signature),
    ]);
  });

  it("reverts with CredentialRegistryInvalidSignature when the signature is for another registry contract", async () => {
    const second = await deployRegistries(f.operator);
    const elsewhere = { ...domain, verifyingContract: second.registries.CredentialRecordRegistry };
    expect(elsewhere.verifyingContract).not.toBe(domain.verifyingContract);
    const signature = await signAnchor(f.issuer, elsewhere, { record: card, terms });
    await expectRevert(send(card, terms, signature), relayed(), "CredentialRegistryInvalidSignature", [
      f.issuer.address,
      anchorSigner(domain, { record: card, terms }, signature),
    ]);
  });

  it("reverts with CredentialRegistryInvalidSignature and no recovered signer when the signature is malformed", async () => {
    await expectRevert(send(card, terms, `0x${"ab".repeat(64)}`), relayed(), "CredentialRegistryInvalidSignature", [
      f.issuer.address,
      ZeroAddress,
    ]);
  });

  it("reverts with CredentialRegistryInvalidSignature for the high-s twin of a valid signature", async () => {
    const signature = Signature.from(await sign(f.issuer, card, terms));
    // The same signature with s mirrored into the upper half of the curve order (and v flipped between 27 and 28)
    // recovers the same key; ECDSA rejects it so that signatures cannot be made to look fresh.
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const twin = concat([signature.r, toBeHex(n - BigInt(signature.s), 32), toBeHex(55 - signature.v, 1)]);
    await expectRevert(send(card, terms, twin), relayed(), "CredentialRegistryInvalidSignature", [
      f.issuer.address,
      ZeroAddress,
    ]);
  });

  it("reverts with CredentialRegistryDepartmentSuspended when the signer's department is suspended", async () => {
    const signed = { ...terms, signer: f.suspendedDepartment.address, issuer: f.ids.tobacco };
    const signature = await sign(f.suspendedDepartment, card, signed);
    await expectRevert(send(card, signed, signature), relayed(), "CredentialRegistryDepartmentSuspended", [
      f.ids.tobacco,
    ]);
  });

  it("reverts with CredentialRegistryNotIssuer when the signer's department does not issue the type", async () => {
    const signed = { ...terms, signer: f.otherDepartment.address, issuer: f.ids.market };
    const signature = await sign(f.otherDepartment, card, signed);
    await expectRevert(send(card, signed, signature), relayed(), "CredentialRegistryNotIssuer", [
      f.ids.market,
      f.ids.residentId,
    ]);
  });

  it.each(["operator", "outsider"] as const)(
    "reverts with CredentialRegistryNotDepartmentSigner when the %s signs",
    async (role) => {
      const signer = f[role];
      const signed = { ...terms, signer: signer.address };
      const signature = await sign(signer, card, signed);
      const records = f.registries.records.connect(f.issuer);
      await expectRevert(
        records.anchorBySig(card, signed, signature),
        records,
        "CredentialRegistryNotDepartmentSigner",
        [signer.address],
      );
    },
  );

  it("reverts with CredentialRegistryEmptyRecordHash when the signed record hash is zero", async () => {
    const empty = { ...card, recordHash: ZeroHash as Hex32 };
    const signature = await sign(f.issuer, empty, terms);
    await expectRevert(send(empty, terms, signature), relayed(), "CredentialRegistryEmptyRecordHash", []);
  });

  describe("signatures are bound to the department and to the key's membership", () => {
    it("a signature made for one department does not anchor for another after its key moves there", async () => {
      const signature = await sign(f.issuer, card, terms);
      const departments = f.registries.departments;
      await (await departments.removeSigner(f.ids.psb, f.issuer.address)).wait();
      await (await departments.addSigner(f.ids.market, f.issuer.address)).wait();
      // Market regulation may issue the resident ID card too: only the signed department stands in the way.
      await (await f.registries.types.authoriseIssuer(f.ids.residentId, f.ids.market)).wait();
      await expectRevert(send(card, terms, signature), relayed(), "CredentialRegistrySignerNotOfIssuer", [
        f.issuer.address,
        f.ids.psb,
        f.ids.market,
      ]);
      expect((await statusOf(relayed(), f.ids.market, card.recordHash)).status).toBe(RecordStatus.Unknown);
    });

    it("a removed key's outstanding signature stays dead when the key is added back", async () => {
      const signature = await sign(f.issuer, card, terms);
      const departments = f.registries.departments;
      await (await departments.removeSigner(f.ids.psb, f.issuer.address)).wait();
      await (await departments.addSigner(f.ids.psb, f.issuer.address)).wait();
      expect(await departments.signerEpoch(f.issuer.address)).toBe(2n);
      await expectRevert(send(card, terms, signature), relayed(), "CredentialRegistryStaleSignerKey", [
        f.issuer.address,
        1,
        2,
      ]);
      const fresh = { ...terms, signerEpoch: 2 };
      await (await send(card, fresh, await sign(f.issuer, card, fresh))).wait();
      expect((await statusOf(relayed(), f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Valid);
    });
  });

  describe("nonces", () => {
    it("a request that can no longer succeed is cancelled with useNonce, and the next one under its key goes through", async () => {
      const doomed = recordAnchor("anchored directly first");
      const doomedSignature = await sign(f.issuer, doomed, terms);
      await (
        await f.registries.records
          .connect(f.issuer)
          .anchor(doomed.recordHash, doomed.subjectRef, doomed.credentialType, 0, 0)
      ).wait();
      await expectRevert(send(doomed, terms, doomedSignature), relayed(), "CredentialRegistryAlreadyAnchored", [
        doomed.recordHash,
      ]);
      const next = { ...terms, nonce: 1 };
      const nextSignature = await sign(f.issuer, card, next);
      await expectRevert(send(card, next, nextSignature), relayed(), "InvalidAccountNonce", [f.issuer.address, 0]);
      const records = f.registries.records.connect(f.issuer);
      expect(await records.useNonce.staticCall(0)).toBe(0n);
      await (await records.useNonce(0)).wait();
      await (await send(card, next, nextSignature)).wait();
      expect(await records["nonces(address,uint192)"](f.issuer.address, 0)).toBe(2n);
      expect((await statusOf(records, f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Valid);
    });

    it("requests under different nonce keys do not wait for one another", async () => {
      const stuck = { ...terms, nonce: keyed(1n, 0n) };
      await sign(f.issuer, recordAnchor("never sent"), stuck);
      const independent = { ...terms, nonce: keyed(2n, 0n) };
      await (await send(card, independent, await sign(f.issuer, card, independent))).wait();
      expect(await relayed()["nonces(address,uint192)"](f.issuer.address, 1)).toBe(keyed(1n, 0n));
      expect(await relayed()["nonces(address,uint192)"](f.issuer.address, 2)).toBe(keyed(2n, 1n));
      expect((await statusOf(relayed(), f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Valid);
    });
  });
});
