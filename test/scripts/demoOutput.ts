// What the demo prints, as the tests that run it against npm start and npm run cluster expect it.
import { expect } from "vitest";

/** The demo's 告知承诺 story: one commitment fulfilled by evidence, one breached with its licence revoked, the figures. */
export function expectCommitmentStory(output: string): void {
  expect(output).toMatch(/commitment fulfilled: house-safety-appraisal found at housing, valid as of block \d+/);
  expect(output).toContain(
    "market regulation marks it breached (material-not-provided): the licence is revoked on chain, reason code 16; verified at psb it reads revoked",
  );
  expect(output).toContain("1 broken commitment shown to market-regulation; may commit to: nothing");
  expect(output).toMatch(/\n {4}district: \d+ applications, .*, 1 fulfilled, 1 breached, 6 days of waiting saved\n/);
}

/** Minimal disclosure: the tobacco bureau receives the business licence's name and address, and no other field. */
export function expectDisclosure(output: string): void {
  expect(output).toContain("营业执照 (Business licence) as market-regulation disclosed it to tobacco:");
  // The demo's licence has no business term (an open-ended one): asked for, and not in the record.
  expect(output).toContain("fields disclosed: name, domicile (each proved a field of the anchored record)");
  expect(output).toContain("asked for, not in this record: businessTermUntil");
  expect(output).toContain(
    "fields withheld:  entityType, legalRepresentative, registeredCapitalTenThousandYuan, establishmentDate, businessScope, registrationAuthority, issueDate (not needed by tobacco's matters; never sent)",
  );
}
