// Elements built from text, never from HTML: a catalogue name, a record's field or an error can hold nothing that runs.
type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

export function clear(element: Element): void {
  element.replaceChildren();
}

/** A hash shortened for reading, whole in its title and for copying. */
export function hashText(hash: string): HTMLElement {
  return h("code", { class: "hash", title: hash }, `${hash.slice(0, 10)}…${hash.slice(-8)}`);
}

/** A table that may be wider than the screen, in a region that scrolls and can be reached (and scrolled) by keyboard. */
export function scrolling(table: HTMLTableElement, label: string): HTMLElement {
  return h("div", { class: "scroll", tabindex: 0, role: "region", "aria-label": label }, table);
}
