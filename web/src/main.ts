// The page: a header with the language switch, the navigation, and one view at a time, chosen by the URL's hash.
import { append, clear, h } from "./dom.ts";
import { type Key, lang, setLang, t } from "./i18n.ts";
import { renderCatalogue } from "./views/catalogue.ts";
import { renderClerk } from "./views/clerk.ts";
import { renderHistory } from "./views/history.ts";
import { renderVerify } from "./views/verify.ts";

/** Renders a view into main; what it returns, if a function, is called when the view is left. */
type View = (main: HTMLElement) => unknown;

const VIEWS: [string, Key, View][] = [
  ["verify", "nav.verify", renderVerify],
  ["catalogue", "nav.catalogue", renderCatalogue],
  ["clerk", "nav.clerk", renderClerk],
  ["history", "nav.history", renderHistory],
  // Its chart library is loaded only when the figures are shown.
  ["figures", "nav.figures", async (main) => (await import("./views/figures.ts")).renderFigures(main)],
];

const main = document.getElementById("main") as HTMLElement;
const nav = document.getElementById("nav") as HTMLElement;
const switcher = document.getElementById("lang") as HTMLButtonElement;
let leave: (() => void) | undefined;
let shown = 0;

const named = () => {
  const name = window.location.hash.replace(/^#\/?/, "");
  return VIEWS.find(([code]) => code === name);
};
const current = () => named() ?? (VIEWS[0] as (typeof VIEWS)[number]);

function frame(): void {
  document.title = `${t("app.title")} · oncechain`;
  (document.getElementById("app-title") as HTMLElement).textContent = t("app.title");
  (document.getElementById("app-subtitle") as HTMLElement).textContent = t("app.subtitle");
  (document.querySelector("a.skip") as HTMLElement).textContent = t("app.skip");
  switcher.textContent = t("app.switch");
  switcher.lang = lang() === "zh" ? "en" : "zh-CN";
  switcher.setAttribute("aria-label", t("app.switchLabel"));
  nav.setAttribute("aria-label", t("nav.label"));
  const [active] = current();
  clear(nav);
  append(
    nav,
    h(
      "ul",
      {},
      ...VIEWS.map(([code, key]) =>
        h("li", {}, h("a", { href: `#/${code}`, ...(code === active ? { "aria-current": "page" } : {}) }, t(key))),
      ),
    ),
  );
}

async function show(focus: boolean): Promise<void> {
  const mine = ++shown;
  leave?.();
  leave = undefined;
  frame();
  clear(main);
  const [code, , render] = current();
  main.dataset.view = code;
  delete main.dataset.ready;
  try {
    const left: unknown = await render(main);
    if (mine !== shown) {
      if (typeof left === "function") (left as () => void)();
      return;
    }
    leave = typeof left === "function" ? (left as () => void) : undefined;
  } catch (error) {
    if (mine !== shown) return;
    append(main, h("p", { class: "problem", role: "alert" }, `${t("common.error")}: ${(error as Error).message}`));
  }
  main.dataset.ready = "true";
  if (focus) main.focus();
}

switcher.addEventListener("click", () => {
  setLang(lang() === "zh" ? "en" : "zh");
  void show(false);
});
// A hash that names no view (the skip link's #main) moves the focus, not the view.
window.addEventListener("hashchange", () => {
  if (named()) void show(true);
});
setLang(lang());
void show(false);
