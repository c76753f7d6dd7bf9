// At the counter: a clerk signed in with the department's key opens an application for the applicant present and sees
// each material waived (with the evidence), open to a commitment (告知承诺), to be submitted, or not checkable now; a
// commitment is recorded from here. The key lives in this tab's sessionStorage only; the applicant's identifier only
// in this view, for the requests that need it.
import { type Answer, call, hostedDepartments, problemText } from "../api.ts";
import { catalogue, lookups } from "../catalogueData.ts";
import { append, clear, h, scrolling } from "../dom.ts";
import { type Key, nameOf, t } from "../i18n.ts";

const SESSION = "oncechain.clerk";
const ID_TYPES = ["resident-id", "unified-social-credit-code", "passport", "foreign-permanent-id"] as const;

/** The identifier types a subject is named by, as a select a label names. */
export function idTypeSelect(id: string): HTMLSelectElement {
  return h("select", { id }, ...ID_TYPES.map((type) => h("option", { value: type }, t(`idType.${type}` as Key))));
}
const CONFIRMATIONS = ["handwritten-signature", "electronic-signature", "sms-code", "face-recognition"] as const;

export interface ClerkSession {
  department: string;
  key: string;
}

export function clerkSession(): ClerkSession | undefined {
  try {
    const stored = sessionStorage.getItem(SESSION);
    return stored ? (JSON.parse(stored) as ClerkSession) : undefined;
  } catch {
    return undefined;
  }
}

type Application = Answer<"applyScenario", 201>;

const newKey = () => crypto.randomUUID();

export async function renderClerk(main: HTMLElement): Promise<void> {
  append(main, h("h2", {}, t("clerk.title")), h("p", {}, t("clerk.intro")));
  const body = h("div", { id: "clerk" });
  append(main, body);
  const session = clerkSession();
  if (session) await signedIn(body, session);
  else await signInForm(body);
}

async function departmentSelect(id: string): Promise<HTMLSelectElement> {
  const hosted = await hostedDepartments();
  return h("select", { id }, ...hosted.map((d) => h("option", { value: d.code }, nameOf(d))));
}

async function signInForm(body: HTMLElement): Promise<void> {
  const department = await departmentSelect("clerk-department");
  const key = h("input", { id: "clerk-key", type: "password", autocomplete: "off", required: true });
  const message = h("p", { class: "problem", role: "alert" });
  const form = h(
    "form",
    { class: "stack" },
    h("label", { for: "clerk-department" }, t("common.department")),
    department,
    h("label", { for: "clerk-key" }, t("clerk.key")),
    key,
    h("p", { class: "muted" }, t("clerk.keyNote")),
    h("button", { type: "submit", id: "clerk-sign-in" }, t("common.signIn")),
    message,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const session = { department: department.value, key: key.value.trim() };
    try {
      // A key of any role reads the scenarios; opening an application then needs a consumer's.
      await call(`/departments/${session.department}/catalogue/scenarios?kind=theme`, { bearer: session.key });
    } catch (error) {
      message.textContent = t("clerk.badKey", { why: problemText(error) });
      return;
    }
    sessionStorage.setItem(SESSION, JSON.stringify(session));
    clear(body);
    await signedIn(body, session);
  });
  append(body, form);
}

async function signedIn(body: HTMLElement, session: ClerkSession): Promise<void> {
  const c = await catalogue();
  const names = lookups(c);
  const signOut = h("button", { type: "button", id: "clerk-sign-out" }, t("common.signOut"));
  signOut.addEventListener("click", async () => {
    sessionStorage.removeItem(SESSION);
    clear(body);
    await signInForm(body);
  });
  const scenarios = c.scenarios.filter((s) => s.matters.length > 0);
  const scenario = h(
    "select",
    { id: "clerk-scenario" },
    ...scenarios.map((s) => h("option", { value: s.code }, nameOf(s))),
  );
  const idType = idTypeSelect("clerk-id-type");
  const idNumber = h("input", { id: "clerk-id-number", autocomplete: "off", required: true, spellcheck: "false" });
  const orgNumber = h("input", { id: "clerk-org-number", autocomplete: "off", spellcheck: "false" });
  const message = h("p", { class: "problem", role: "alert" });
  const result = h("section", { id: "clerk-result", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "stack" },
    h("label", { for: "clerk-scenario" }, t("clerk.scenario")),
    scenario,
    h("label", { for: "clerk-id-type" }, t("clerk.idType")),
    idType,
    h("label", { for: "clerk-id-number" }, t("clerk.idNumber")),
    idNumber,
    h("label", { for: "clerk-org-number" }, t("clerk.orgIdNumber")),
    orgNumber,
    h("button", { type: "submit", id: "clerk-apply" }, t("clerk.apply")),
    message,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    clear(result);
    const subject = { idType: idType.value, idNumber: idNumber.value.trim() };
    const org = orgNumber.value.trim();
    let application: Application;
    try {
      application = await call<Application>(`/departments/${session.department}/applications`, {
        bearer: session.key,
        idempotencyKey: newKey(),
        body: {
          scenario: scenario.value,
          subject,
          ...(org ? { organisation: { idType: "unified-social-credit-code", idNumber: org } } : {}),
        },
      });
    } catch (error) {
      message.textContent = problemText(error);
      return;
    }
    showApplication(result, session, application, subject, names);
  });
  append(
    body,
    h(
      "p",
      { id: "clerk-signed-in" },
      t("clerk.signedIn", { department: nameOf(names.department(session.department)) }),
      " ",
      signOut,
    ),
    form,
    result,
  );
}

function showApplication(
  result: HTMLElement,
  session: ClerkSession,
  application: Application,
  subject: { idType: string; idNumber: string },
  names: ReturnType<typeof lookups>,
): void {
  const outcomes = new Map(application.materials.map((m) => [m.credentialType, m.outcome]));
  append(
    result,
    h("h3", {}, `${nameOf(application.scenario)} · `, t("clerk.application", { id: application.applicationId })),
  );
  for (const matter of application.matters) {
    const rows = matter.materials.map((code) => {
      const outcome = outcomes.get(code);
      const state = matter.waived.includes(code)
        ? "waived"
        : matter.mayCommit.includes(code)
          ? "may-commit"
          : matter.unavailable.includes(code)
            ? "unavailable"
            : "required";
      const label: Key =
        state === "waived"
          ? "clerk.waived"
          : state === "may-commit"
            ? "clerk.mayCommit"
            : state === "unavailable"
              ? "clerk.unavailable"
              : "clerk.required";
      const detail = h("td", {});
      if (state === "waived" && outcome?.status === "waived") {
        append(
          detail,
          t("clerk.evidence", {
            issuer: nameOf(names.department(outcome.evidence.issuer)),
            status: t(`status.${outcome.evidence.status}` as Key),
            block: outcome.evidence.asOfBlock,
          }),
        );
      }
      if (state === "may-commit" && matter.department === session.department) {
        append(detail, commitForm(session, application, matter.code, code, subject, names));
      }
      return h(
        "tr",
        { "data-material": code, "data-state": state },
        h("th", { scope: "row" }, nameOf(names.type(code))),
        h("td", {}, h("span", { class: `badge ${state}` }, t(label))),
        detail,
      );
    });
    const caption = `${nameOf(matter)} · ${nameOf(names.department(matter.department))} · ${t(
      `clerk.matterProcedure.${matter.procedure}` as Key,
    )}`;
    append(
      result,
      scrolling(
        h(
          "table",
          { class: "matter-table", "data-matter": matter.code },
          h("caption", {}, caption),
          h("tbody", {}, ...rows),
        ),
        caption,
      ),
    );
  }
}

function commitForm(
  session: ClerkSession,
  application: Application,
  matter: string,
  material: string,
  subject: { idType: string; idNumber: string },
  names: ReturnType<typeof lookups>,
): HTMLElement {
  const id = `${matter}-${material}`;
  const statement = h(
    "textarea",
    { id: `statement-${id}`, rows: 3 },
    t("clerk.statement", { material: nameOf(names.type(material)) }),
  );
  const confirmation = h(
    "select",
    { id: `confirmation-${id}` },
    ...CONFIRMATIONS.map((c) => h("option", { value: c }, t(`clerk.confirmation.${c}` as Key))),
  );
  const message = h("p", { role: "status" });
  const form = h(
    "form",
    { class: "stack commit", "data-commit-material": material },
    h("label", { for: `statement-${id}` }, t("clerk.statementLabel")),
    statement,
    h("label", { for: `confirmation-${id}` }, t("clerk.confirmation")),
    confirmation,
    h("button", { type: "submit" }, t("clerk.commit")),
    message,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const made = await call<Answer<"recordCommitment", 201>>(
        `/departments/${session.department}/applications/${application.applicationId}/commitments`,
        {
          bearer: session.key,
          idempotencyKey: newKey(),
          body: {
            subject,
            matter,
            materials: [material],
            statement: statement.value,
            confirmation: confirmation.value,
            confirmedAt: new Date().toISOString(),
          },
        },
      );
      message.className = "ok";
      message.dataset.commitment = made.commitmentId;
      message.textContent = t("clerk.committed", { id: made.commitmentId, due: made.checkBy });
    } catch (error) {
      message.className = "problem";
      message.textContent = problemText(error);
    }
  });
  return form;
}
