// The catalogue: the credential types with their issuers and schemas, and the scenarios with their matters and
// materials (which accept a commitment), each marked by whether it matches its hash on chain; searchable by name.
import { type Catalogue, catalogue, lookups, type ScenarioEntry } from "../catalogueData.ts";
import { append, h, hashText, scrolling } from "../dom.ts";
import { type Key, nameOf, t } from "../i18n.ts";

const FILM_KINDS = new Set(["film-group", "film-category", "film-item"]);
const KIND_ORDER = [
  "theme",
  "film",
  "high-frequency-personal",
  "high-frequency-legal-person",
  "tidal",
  "cross-department-joint",
];

function badge(verified: boolean, hash: string): HTMLElement {
  return h(
    "span",
    { class: verified ? "badge ok" : "badge bad", "data-verified": String(verified) },
    verified ? `✓ ${t("common.verified")}` : `✗ ${t("common.notVerified")}`,
    " ",
    hashText(hash),
  );
}

/** What a search matches an entry by: its names in both languages and its code. */
const searchText = (e: { code: string; nameZh: string; nameEn: string }) =>
  `${e.code} ${e.nameZh} ${e.nameEn}`.toLowerCase();

export async function renderCatalogue(main: HTMLElement): Promise<void> {
  const search = h("input", { id: "catalogue-search", type: "search", autocomplete: "off" });
  append(
    main,
    h("h2", {}, t("catalogue.title")),
    h("p", {}, t("catalogue.intro")),
    h("label", { for: "catalogue-search" }, t("catalogue.search")),
    search,
  );
  const c = await catalogue();
  const names = lookups(c);
  const entries = [...c.types, ...c.scenarios];
  const verified = entries.filter((e) => e.verified).length;
  append(
    main,
    h(
      "p",
      { id: "catalogue-summary" },
      t("catalogue.summary", { types: c.types.length, scenarios: c.scenarios.length, verified, all: entries.length }),
    ),
  );

  const typeRows = c.types.map((type) => {
    const fields = Object.keys(type.schema.properties ?? {});
    const row = h(
      "tr",
      { "data-search": searchText(type), "data-type": type.code },
      h("th", { scope: "row" }, nameOf(type), h("br"), h("code", {}, type.code)),
      h("td", {}, type.issuers.map((code) => nameOf(names.department(code))).join(t("common.listSeparator"))),
      h(
        "td",
        {},
        h(
          "details",
          {},
          h("summary", {}, t("catalogue.schemaFields", { n: fields.length })),
          h("ul", { class: "fields" }, ...fields.map((f) => h("li", {}, h("code", {}, f)))),
        ),
      ),
      h("td", {}, badge(type.verified, type.schemaHash)),
    );
    return row;
  });
  const typesTable = h(
    "table",
    { id: "types" },
    h("caption", {}, t("catalogue.types")),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t("catalogue.name")),
        h("th", { scope: "col" }, t("catalogue.issuers")),
        h("th", { scope: "col" }, t("catalogue.schema")),
        h("th", { scope: "col" }, t("catalogue.chain")),
      ),
    ),
    h("tbody", {}, ...typeRows),
  );

  const scenarioBlock = (s: ScenarioEntry) =>
    h(
      "details",
      { class: "scenario", "data-search": searchText(s), "data-scenario": s.code },
      h("summary", {}, h("span", { class: "name" }, nameOf(s)), " ", badge(s.verified, s.definitionHash)),
      ...s.matters.map((m) => {
        const committable = new Set(m.commitment?.materials ?? []);
        return h(
          "div",
          { class: "matter" },
          h(
            "h5",
            {},
            `${t("catalogue.matter")}${t("common.labelSeparator")}${nameOf(m)}`,
            " · ",
            nameOf(names.department(m.department)),
          ),
          h(
            "ul",
            { "aria-label": t("catalogue.materials") },
            ...m.materials.map((code) =>
              h(
                "li",
                { "data-material": code, ...(committable.has(code) ? { "data-commit": "true" } : {}) },
                nameOf(names.type(code)),
                committable.has(code) ? h("span", { class: "badge commit" }, t("catalogue.mayCommit")) : "",
              ),
            ),
          ),
          m.commitment
            ? h("p", { class: "muted" }, t("catalogue.replacesDays", { days: m.commitment.replacesDays }))
            : "",
        );
      }),
    );

  const kindOf = (s: ScenarioEntry) => (FILM_KINDS.has(s.kind) ? "film" : s.kind);
  const kinds = [...new Set(c.scenarios.map(kindOf))].sort(
    (a, b) => (KIND_ORDER.indexOf(a) + 1 || 99) - (KIND_ORDER.indexOf(b) + 1 || 99),
  );
  const sections = kinds.map((kind) => {
    const inKind = c.scenarios.filter((s) => kindOf(s) === kind);
    const heading = h("h4", {}, t(`catalogue.kind.${kind}` as Key));
    if (kind !== "film")
      return h("section", { class: "kind", "data-kind": kind }, heading, ...inKind.map(scenarioBlock));
    // The film platform: its categories, each with its items.
    const categories = inKind.filter((s) => s.kind === "film-category");
    const items = inKind.filter((s) => s.kind === "film-item");
    return h(
      "section",
      { class: "kind", "data-kind": kind },
      heading,
      h("p", { id: "film-count" }, t("catalogue.filmCount", { categories: categories.length, items: items.length })),
      ...categories.map((category) =>
        h(
          "section",
          { class: "film-category", "data-search": searchText(category) },
          h("h5", {}, nameOf(category), " ", badge(category.verified, category.definitionHash)),
          ...items.filter((i) => i.parent === category.code).map(scenarioBlock),
        ),
      ),
    );
  });
  const noMatch = h("p", { id: "catalogue-none", hidden: true }, t("catalogue.noMatch"));
  append(
    main,
    scrolling(typesTable, t("catalogue.types")),
    h("h3", {}, t("catalogue.scenarios")),
    ...sections,
    noMatch,
  );

  search.addEventListener("input", () => filter(main, c, search.value, noMatch));
}

function filter(main: HTMLElement, _c: Catalogue, query: string, noMatch: HTMLElement): void {
  const q = query.trim().toLowerCase();
  let shown = 0;
  for (const item of main.querySelectorAll<HTMLElement>("tr[data-search], details[data-search]")) {
    const match = q === "" || (item.dataset.search ?? "").includes(q);
    item.hidden = !match;
    if (match) shown++;
  }
  // A film category is shown while one of its items is, or its own name matches.
  for (const category of main.querySelectorAll<HTMLElement>("section.film-category")) {
    const own = q === "" || (category.dataset.search ?? "").includes(q);
    if (own) {
      for (const item of category.querySelectorAll<HTMLElement>("details[hidden]")) {
        item.hidden = false;
        shown++;
      }
    }
    category.hidden = !own && category.querySelector("details:not([hidden])") === null;
  }
  for (const section of main.querySelectorAll<HTMLElement>("section.kind")) {
    section.hidden = section.querySelector("details:not([hidden])") === null;
  }
  noMatch.hidden = shown > 0;
}
