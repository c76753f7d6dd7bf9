// CredentialRecordRegistry.anchorBySig: records signed (EIP-712) by a department key and submitted by a relayer.
import { concat, Signature, type TypedDataDomain, toBeHex, ZeroAddress, ZeroHash } from "ethers";
import { beforeEach, describe, expect, it } from "vitest";
import { deployRegistries } from "../../lib/chain/registries.ts";
import type { Hex32 } from "../../lib/encoding/canonical.ts";
import type { RecordAnchor } from "../../lib/encoding/recordLeaf.ts";
import { type RegistryFixture, registryFixture } from "../support/chain.ts";
import { expectEvent } from "../support/events.ts";
import {
  type AnchorRequest,
  anchorSigner,
  RecordStatus,
  recordAnchor,
  recordsDomain,
  signAnchor,
  statusOf,
} from "../support/records.ts";
import { expectRevert } from "../support/reverts.ts";

describe("CredentialRecordRegistry.anchorBySig", () => {
  let f: RegistryFixture;
  let domain: TypedDataDomain;
  let card: RecordAnchor;
  let request: AnchorRequest;

  beforeEach(async () => {
    f = await registryFixture();
    domain = recordsDomain(f.deployment.chainId, await f.registries.records.getAddress());
    card = recordAnchor("id card");
    request = { record: card, nonce: 0, deadline: (await f.latestTimestamp()) + 3600 };
  });

  const relayed = () => f.registries.records.connect(f.outsider);

  it("anchors a record signed by the issuer's key and submitted by an outsider, using up the signer's nonce", async () => {
    const signature = await signAnchor(f.issuer, domain, request);
    const records = relayed();
    await expectEvent(
      records.anchorBySig(card, f.issuer.address, request.deadline, signature),
      records,
      "CredentialAnchored",
      [card.recordHash, card.subjectRef, f.ids.psb, f.ids.residentId, 0, 0],
    );
    expect(await records.nonces(f.issuer.address)).toBe(1n);
    expect(await statusOf(records, f.ids.psb, card.recordHash)).toMatchObject({
      status: RecordStatus.Valid,
      evidence: { issuer: 1n, anchoredAt: BigInt(await f.latestTimestamp()) },
    });
  });

  it("reverts with CredentialRegistryInvalidSignature when another key signed for the claimed signer", async () => {
    const signature = await signAnchor(f.otherDepartment, domain, request);
    const records = relayed();
    await expectRevert(
      records.anchorBySig(card, f.issuer.address, request.deadline, signature),
      records,
      "CredentialRegistryInvalidSignature",
      [f.issuer.address, f.otherDepartment.address],
    );
  });

  it("reverts with CredentialRegistryInvalidSignature when the relayer changes the signed record", async () => {
    const signature = await signAnchor(f.issuer, domain, request);
    const stretched = { ...card, validUntil: 4_000_000_000 };
    const recovered = anchorSigner(domain, { ...request, record: stretched }, signature);
    const records = relayed();
    await expectRevert(
      records.anchorBySig(stretched, f.issuer.address, request.deadline, signature),
      records,
      "CredentialRegistryInvalidSignature",
      [f.issuer.address, recovered],
    );
  });

  it("reverts with CredentialRegistryInvalidSignature when a used signature is replayed", async () => {
    const signature = await signAnchor(f.issuer, domain, request);
    const records = relayed();
    await (await records.anchorBySig(card, f.issuer.address, request.deadline, signature)).wait();
    const recovered = anchorSigner(domain, { ...request, nonce: 1 }, signature);
    await expectRevert(
      records.anchorBySig(card, f.issuer.address, request.deadline, signature),
      records,
      "CredentialRegistryInvalidSignature",
      [f.issuer.address, recovered],
    );
    expect(await records.nonces(f.issuer.address)).toBe(1n);
  });

  it("accepts a request in the block whose timestamp equals the deadline", async () => {
    const deadline = (await f.latestTimestamp()) + 100;
    const signature = await signAnchor(f.issuer, domain, { ...request, deadline });
    await f.setNextTimestamp(deadline);
    await (await relayed().anchorBySig(card, f.issuer.address, deadline, signature)).wait();
    expect(await f.latestTimestamp()).toBe(deadline);
    expect((await statusOf(relayed(), f.ids.psb, card.recordHash)).status).toBe(RecordStatus.Valid);
  });

  it("reverts with CredentialRegistryExpiredSignature one second after the deadline, leaving the nonce unused", async () => {
    const timestamp = (await f.latestTimestamp()) + 100;
    const deadline = timestamp - 1;
    const signature = await signAnchor(f.issuer, domain, { ...request, deadline });
    await f.setNextTimestamp(timestamp);
    const records = relayed();
    await expectRevert(
      records.anchorBySig(card, f.issuer.address, deadline, signature),
      records,
      "CredentialRegistryExpiredSignature",
      [deadline],
    );
    expect(await records.nonces(f.issuer.address)).toBe(0n);
  });

  it("reverts with CredentialRegistryInvalidSignature when the signature is for another chain id", async () => {
    const elsewhere = { ...domain, chainId: BigInt(f.deployment.chainId) + 1n };
    const signature = await signAnchor(f.issuer, elsewhere, request);
    const records = relayed();
    await expectRevert(
      records.anchorBySig(card, f.issuer.address, request.deadline, signature),
      records,
      "CredentialRegistryInvalidSignature",
      [f.issuer.address, anchorSigner(domain, request, signature)],
    );
  });

  it("reverts with CredentialRegistryInvalidSignature when the signature is for another registry contract", async () => {
    const second = await deployRegistries(f.operator);
    const elsewhere = { ...domain, verifyingContract: second.registries.CredentialRecordRegistry };
    expect(elsewhere.verifyingContract).not.toBe(domain.verifyingContract);
    const signature = await signAnchor(f.issuer, elsewhere, request);
    const records = relayed();
    await expectRevert(
      records.anchorBySig(card, f.issuer.address, request.deadline, signature),
      records,
      "CredentialRegistryInvalidSignature",
      [f.issuer.address, anchorSigner(domain, request, signature)],
    );
  });

  it("reverts with CredentialRegistryInvalidSignature and no recovered signer when the signature is malformed", async () => {
    const records = relayed();
    await expectRevert(
      records.anchorBySig(card, f.issuer.address, request.deadline, `0x${"ab".repeat(64)}`),
      records,
      "CredentialRegistryInvalidSignature",
      [f.issuer.address, ZeroAddress],
    );
  });

  it("reverts with CredentialRegistryInvalidSignature for the high-s twin of a valid signature", async () => {
    const signature = Signature.from(await signAnchor(f.issuer, domain, request));
    // The same signature with s mirrored into the upper half of the curve order (and v flipped between 27 and 28)
    // recovers the same key; ECDSA rejects it so that signatures cannot be made to look fresh.
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const twin = concat([signature.r, toBeHex(n - BigInt(signature.s), 32), toBeHex(55 - signature.v, 1)]);
    const records = relayed();
    await expectRevert(
      records.anchorBySig(card, f.issuer.address, request.deadline, twin),
      records,
      "CredentialRegistryInvalidSignature",
      [f.issuer.address, ZeroAddress],
    );
  });

  it("reverts with CredentialRegistryDepartmentSuspended when the signer's department is suspended", async () => {
    const signature = await signAnchor(f.suspendedDepartment, domain, request);
    const records = relayed();
    await expectRevert(
      records.anchorBySig(card, f.suspendedDepartment.address, request.deadline, signature),
      records,
      "CredentialRegistryDepartmentSuspended",
      [f.ids.tobacco],
    );
  });

  it("reverts with CredentialRegistryNotIssuer when the signer's department does not issue the type", async () => {
    const signature = await signAnchor(f.otherDepartment, domain, request);
    const records = relayed();
    await expectRevert(
      records.anchorBySig(card, f.otherDepartment.address, request.deadline, signature),
      records,
      "CredentialRegistryNotIssuer",
      [f.ids.market, f.ids.residentId],
    );
  });

  it.each(["operator", "outsider"] as const)(
    "reverts with CredentialRegistryNotDepartmentSigner when the %s signs",
    async (role) => {
      const signer = f[role];
      const signature = await signAnchor(signer, domain, request);
      const records = f.registries.records.connect(f.issuer);
      await expectRevert(
        records.anchorBySig(card, signer.address, request.deadline, signature),
        records,
        "CredentialRegistryNotDepartmentSigner",
        [signer.address],
      );
    },
  );

  it("reverts with CredentialRegistryEmptyRecordHash when the signed record hash is zero", async () => {
    const empty = { ...card, recordHash: ZeroHash as Hex32 };
    const signature = await signAnchor(f.issuer, domain, { ...request, record: empty });
    const records = relayed();
    await expectRevert(
      records.anchorBySig(empty, f.issuer.address, request.deadline, signature),
      records,
      "CredentialRegistryEmptyRecordHash",
      [],
    );
  });
});
