// Who accessed my data: with the citizen's self-service token, every access in every department's log, each entry
// hashed again here and its proof folded to the root the chain holds for that department (asked of the chain through
// the gateway's public route). At the counter, a clerk signed in with the department's key looks it up for the person
// present; that answer holds no hashes to check, so it shows the gateway's own check.
import { type AccessLogEntry, entryHashOf } from "../../../lib/audit/accessLogEntry.ts";
import { proves } from "../../../lib/audit/exportCoverage.ts";
import { type Answer, call, hostedDepartments, problemText, publicBase } from "../api.ts";
import { catalogue, lookups } from "../catalogueData.ts";
import { append, clear, h, scrolling } from "../dom.ts";
import { type Key, nameOf, t, timeText } from "../i18n.ts";
import { clerkSession, idTypeSelect } from "./clerk.ts";

type SelfService = Answer<"selfServiceAccessLog", 200>;
type Access = SelfService["accesses"][number];
type Check = Access["check"];
type Commitment = { registry: string; index: number; root: string };
type DepartmentAnswer = SelfService["departments"][number];
/** The entry as the department's log holds it (SPEC §7.1); the route declares it only as an object. */
const entryOf = (access: Access) => access.entry as unknown as AccessLogEntry;

const CHECK_WORDS: Record<Check, Key> = {
  proved: "history.proved",
  uncommitted: "history.uncommitted",
  "not-proved": "history.notProved",
};

/** The entry's check, done here: its hash, its proof to its commitment's root, and that root on chain. */
export function checkHere(access: Access, onChain: readonly Commitment[] | undefined): Check {
  const entry = entryOf(access);
  const hash = entryHashOf(entry);
  if (hash !== entry.entryHash) return "not-proved";
  if (!access.commitment) return "uncommitted";
  const { registry, index, root } = access.commitment;
  const held = onChain?.find((c) => c.registry === registry.toLowerCase() && c.index === index);
  if (!held || held.root !== root.toLowerCase()) return "not-proved";
  return proves(root, hash as `0x${string}`, access.proof ?? []) ? "proved" : "not-proved";
}

export async function renderHistory(main: HTMLElement): Promise<void> {
  append(main, h("h2", {}, t("history.title")), h("p", {}, t("history.intro")));
  const hosted = await hostedDepartments();
  const department = h(
    "select",
    { id: "history-department" },
    ...hosted.map((d) => h("option", { value: d.code }, nameOf(d))),
  );
  const token = h("input", { id: "history-token", type: "password", autocomplete: "off", required: true });
  const result = h("section", { id: "history-result", "aria-live": "polite" });
  const tokenForm = h(
    "form",
    { class: "stack", id: "history-token-form" },
    h("h3", {}, t("history.tokenTab")),
    h("label", { for: "history-department" }, t("history.tokenDepartment")),
    department,
    h("label", { for: "history-token" }, t("history.token")),
    token,
    h("button", { type: "submit", id: "history-show" }, t("history.show")),
  );
  tokenForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(result);
    append(result, h("p", {}, t("common.loading")));
    try {
      const answer = await call<SelfService>(`/departments/${department.value}/access-log/self-service`, {
        bearer: token.value.trim(),
      });
      const base = await publicBase();
      const involved = [...new Set(answer.accesses.filter((a) => a.commitment).map((a) => a.department))];
      const chain = new Map<string, Commitment[]>();
      await Promise.all(
        involved.map(async (code) => {
          const read = await call<{ commitments: Commitment[] }>(`${base}/access-log-commitments/${code}`);
          chain.set(code, read.commitments);
        }),
      );
      await showAccesses(
        result,
        answer.accesses.map((a) => ({
          department: a.department,
          consumer: a.consumer,
          at: entryOf(a).at,
          purpose: entryOf(a).purpose,
          outcome: entryOf(a).outcome,
          check: checkHere(a, chain.get(a.department)),
          inBrowser: true,
          server: a.check,
        })),
        answer.departments,
      );
    } catch (error) {
      clear(result);
      append(result, h("p", { class: "problem", role: "alert" }, problemText(error)));
    }
  });

  const counter = h("section", { class: "stack", id: "history-counter" }, h("h3", {}, t("history.counterTab")));
  const session = clerkSession();
  if (!session) {
    append(counter, h("p", { class: "muted" }, t("history.counterNote")), h("p", {}, t("history.counterSignIn")));
  } else {
    const idType = idTypeSelect("history-id-type");
    const idNumber = h("input", { id: "history-id-number", autocomplete: "off", required: true, spellcheck: "false" });
    const counterForm = h(
      "form",
      { class: "stack" },
      h("p", { class: "muted" }, t("history.counterNote")),
      h("label", { for: "history-id-type" }, t("clerk.idType")),
      idType,
      h("label", { for: "history-id-number" }, t("clerk.idNumber")),
      idNumber,
      h("button", { type: "submit", id: "history-counter-show" }, t("history.show")),
    );
    counterForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      clear(result);
      try {
        const answer = await call<{
          entries: {
            department: string;
            consumer?: string;
            at: string;
            purpose?: string;
            outcome: string;
            check: Check;
          }[];
          departments: DepartmentAnswer[];
        }>(`/departments/${session.department}/access-log/mine`, {
          bearer: session.key,
          body: { subject: { idType: idType.value, idNumber: idNumber.value.trim() } },
        });
        await showAccesses(
          result,
          answer.entries.map((e) => ({ ...e, inBrowser: false, server: e.check })),
          answer.departments,
        );
      } catch (error) {
        append(result, h("p", { class: "problem", role: "alert" }, problemText(error)));
      }
    });
    append(counter, counterForm);
  }
  append(main, h("div", { class: "columns" }, tokenForm, counter), result);
}

interface Row {
  department: string;
  consumer?: string | undefined;
  at: string;
  purpose?: string | undefined;
  outcome: string;
  check: Check;
  inBrowser: boolean;
  server: Check;
}

async function showAccesses(result: HTMLElement, rows: Row[], departments: DepartmentAnswer[]): Promise<void> {
  const names = lookups(await catalogue());
  clear(result);
  append(result, h("h3", { id: "history-count" }, t("history.entries", { n: rows.length })));
  // Those not asked are said, in one line that opens to the list: their accesses are not in the table.
  const unavailable = departments.filter((x) => x.status === "unavailable");
  if (unavailable.length > 0) {
    append(
      result,
      h(
        "details",
        { id: "history-unavailable" },
        h("summary", { class: "problem" }, t("history.unavailableCount", { n: unavailable.length })),
        h(
          "ul",
          {},
          ...unavailable.map((d) =>
            h("li", {}, t("history.unavailable", { department: nameOf(d), reason: d.reason ?? "" })),
          ),
        ),
      ),
    );
  }
  if (rows.length === 0) {
    append(result, h("p", {}, t("history.empty")));
    return;
  }
  append(
    result,
    scrolling(
      h(
        "table",
        { id: "history-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...(
              [
                "history.when",
                "history.whose",
                "history.who",
                "history.purpose",
                "history.outcome",
                "history.check",
              ] as const
            ).map((key) => h("th", { scope: "col" }, t(key))),
          ),
        ),
        h(
          "tbody",
          {},
          ...rows.map((row) =>
            h(
              "tr",
              { "data-check": row.check, "data-outcome": row.outcome },
              h("td", {}, timeText(row.at)),
              h("td", {}, nameOf(names.department(row.department))),
              h("td", {}, row.consumer ? nameOf(names.department(row.consumer)) : "—"),
              h("td", {}, row.purpose ? nameOf(names.scenario(row.purpose)) : "—"),
              h("td", {}, t(`outcome.${row.outcome}` as Key)),
              h(
                "td",
                { class: row.check === "not-proved" ? "bad" : row.check === "proved" ? "ok" : "" },
                row.inBrowser
                  ? t(CHECK_WORDS[row.check])
                  : t("history.serverCheck", { check: t(CHECK_WORDS[row.server]) }),
              ),
            ),
          ),
        ),
      ),
      t("history.title"),
    ),
  );
}
