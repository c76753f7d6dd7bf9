// Verify a record or a disclosure: read it (pasted, dropped, chosen, or scanned with the camera), hash it and check its
// batch proof here, then ask the chain only about its hash and say in plain words what holds and what does not.
import jsQRModule from "jsqr";
import type { Verdict } from "../../../services/gateway/src/records/verifyRecord.ts";
import { call, problemText, publicBase } from "../api.ts";
import { catalogue, lookups } from "../catalogueData.ts";
import { append, clear, h, hashText } from "../dom.ts";
import { type Key, nameOf, t, timeText } from "../i18n.ts";
import {
  anchoredDifferences,
  type BrowserCheck,
  checkInBrowser,
  type Presented,
  readPresented,
  UnreadableError,
} from "../rules/presented.ts";

// jsqr is CommonJS whose types declare a default export; the bundler gives its module.exports, the function.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

/**
 * What an altered file is said to be: the disclosed field that no longer belongs to its record, the envelope, or for a
 * whole record the members that differ from what the chain anchored under its hash (when the chain's evidence holds
 * them), else its content.
 */
async function alteredResult(check: BrowserCheck, presented: Presented): Promise<HTMLElement[]> {
  const altered = check.altered as NonNullable<BrowserCheck["altered"]>;
  const heading = h("h3", { id: "verify-result-title", class: "bad", "data-status": "altered" }, t("verify.altered"));
  const field = altered.where.startsWith("fields.") ? altered.where.slice(7) : undefined;
  if (field) return [heading, h("p", { class: "problem", "data-field": field }, t("verify.alteredField", { field }))];
  if (presented.kind === "disclosure") {
    return [heading, h("p", { class: "problem", "data-field": "envelope" }, t("verify.alteredEnvelope"))];
  }
  // A whole record: the chain holds its hash, and of its members those of its anchor.
  const verdict = await call<Verdict>(`${await publicBase()}/status`, { body: check.statusQuery }).catch(
    () => undefined,
  );
  const differences = verdict?.evidence ? anchoredDifferences(presented.record, verdict.evidence) : [];
  if (differences.length > 0) {
    const value = (member: string, n: number) =>
      member.startsWith("valid") ? (n === 0 ? t("verify.noExpiry") : timeText(n)) : String(n);
    return [
      heading,
      ...differences.map((d) =>
        h(
          "p",
          { class: "problem", "data-field": d.member },
          t("verify.alteredMember", {
            field: d.member,
            inFile: value(d.member, d.inFile),
            onChain: value(d.member, d.onChain),
          }),
        ),
      ),
    ];
  }
  if (check.batch && !check.batch.holds) {
    return [heading, h("p", { class: "problem", "data-field": "anchor" }, t("verify.alteredAnchored"))];
  }
  return [heading, h("p", { class: "problem", "data-field": "record" }, t("verify.alteredRecord"))];
}

/** The text of the QR code in an image, read from its pixels. */
async function codeInImage(file: Blob): Promise<string | undefined> {
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) return undefined;
  context.drawImage(bitmap, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(pixels.data, pixels.width, pixels.height)?.data;
}

export function renderVerify(main: HTMLElement): () => void {
  const input = h("textarea", { id: "presented", rows: 8, spellcheck: "false", autocomplete: "off" });
  const file = h("input", {
    id: "presented-file",
    type: "file",
    accept: ".json,.txt,application/json,text/plain,image/*",
  });
  const result = h("section", { id: "verify-result", "aria-live": "polite", "aria-labelledby": "verify-result-title" });
  const video = h("video", {
    id: "camera",
    muted: true,
    playsinline: true,
    hidden: true,
    "aria-label": t("verify.scanning"),
  });
  const scan = h("button", { type: "button", id: "scan" }, t("verify.scan"));
  let stream: MediaStream | undefined;
  let scanning = false;

  const stopCamera = () => {
    scanning = false;
    for (const track of stream?.getTracks() ?? []) track.stop();
    stream = undefined;
    video.hidden = true;
    scan.textContent = t("verify.scan");
  };

  const say = (...children: (Node | string)[]) => {
    clear(result);
    append(result, ...children);
  };

  async function verify(text: string) {
    say(h("p", {}, t("common.loading")));
    let check: BrowserCheck;
    let presented: Presented;
    try {
      presented = await readPresented(text);
      check = checkInBrowser(presented);
    } catch (error) {
      if (!(error instanceof UnreadableError)) throw error;
      say(
        h("h3", { id: "verify-result-title", class: "bad" }, t("common.error")),
        h("p", { class: "problem" }, t("verify.unreadable", { where: error.where, why: error.message })),
      );
      return;
    }
    const c = await catalogue().catch(() => undefined);
    const names = c ? lookups(c) : undefined;
    const local = browserChecks(check);
    if (check.altered) {
      say(...(await alteredResult(check, presented)), local);
      return;
    }
    let verdict: Verdict;
    try {
      verdict = await call<Verdict>(`${await publicBase()}/status`, { body: check.statusQuery });
    } catch (error) {
      say(
        h("h3", { id: "verify-result-title", class: "bad" }, t("common.error")),
        h("p", {}, problemText(error)),
        local,
      );
      return;
    }
    const ok = verdict.status === "valid";
    const e = verdict.evidence;
    const row = (label: Key, value: Node | string) => [h("dt", {}, t(label)), h("dd", {}, value)];
    const evidence = e
      ? h(
          "dl",
          { class: "evidence" },
          ...row("verify.issuer", names ? nameOf(names.department(check.issuer)) : check.issuer),
          ...row("verify.type", names ? nameOf(names.type(check.credentialType)) : check.credentialType),
          ...row("verify.anchoredAt", timeText(e.anchoredAt)),
          ...(e.blockNumber !== undefined ? row("verify.block", String(e.blockNumber)) : []),
          ...(e.txHash ? row("verify.tx", hashText(e.txHash)) : []),
          ...(e.batchRoot ? row("verify.batchRoot", hashText(e.batchRoot)) : []),
          ...row("verify.validFrom", timeText(e.validFrom)),
          ...row("verify.validUntil", e.validUntil === 0 ? t("verify.noExpiry") : timeText(e.validUntil)),
          ...(e.revokedAt > 0 ? row("verify.revokedAt", timeText(e.revokedAt)) : []),
          ...(e.revokedAt > 0 ? row("verify.revocationReason", String(e.revocationReason)) : []),
          ...(e.supersededBy ? row("verify.supersededBy", hashText(e.supersededBy)) : []),
        )
      : undefined;
    say(
      h(
        "h3",
        { id: "verify-result-title", class: ok ? "ok" : "bad", "data-status": verdict.status },
        t(`status.${verdict.status}` as Key),
      ),
      h(
        "p",
        { class: "muted" },
        t("verify.asOf", {
          block: verdict.asOfBlock,
          source: t(verdict.source === "chain" ? "verify.sourceChain" : "verify.sourceIndex"),
        }),
      ),
      ...(verdict.status === "unknown" && !check.statusQuery.anchor
        ? [h("p", { class: "muted" }, t("verify.unknownNote"))]
        : []),
      local,
      ...(evidence ? [h("h4", {}, t("verify.evidence")), evidence] : []),
    );
  }

  function browserChecks(check: BrowserCheck): HTMLElement {
    const items: HTMLElement[] = [h("li", { class: "ok" }, t("verify.hashComputed"), " ", hashText(check.recordHash))];
    if (check.batch) {
      items.push(
        h(
          "li",
          {
            class: check.batch.holds ? "ok" : "bad",
            "data-check": "batch-proof",
            "data-holds": String(check.batch.holds),
          },
          check.batch.holds ? t("verify.batchHolds", { n: check.batch.proofNodes }) : t("verify.batchFails"),
        ),
      );
    }
    if (check.disclosed) {
      const { names, fields } = check.disclosed;
      items.push(
        h(
          "li",
          { "data-check": "disclosed", "data-fields": names.join(",") },
          names.length === 0 ? t("verify.disclosedNone") : t("verify.disclosed", { names: names.join(", ") }),
        ),
      );
      if (fields && fields.most > names.length) items.push(h("li", {}, t("verify.withheld", fields)));
    }
    return h("div", { class: "browser-checks" }, h("h4", {}, t("verify.inBrowser")), h("ul", {}, ...items));
  }

  async function readFile(chosen: File) {
    if (chosen.type.startsWith("image/")) {
      const text = await codeInImage(chosen).catch(() => undefined);
      if (!text) {
        say(h("p", { class: "problem" }, t("verify.noCodeInImage")));
        return;
      }
      input.value = text;
    } else {
      input.value = await chosen.text();
    }
    await verify(input.value);
  }

  async function startCamera() {
    scanning = true;
    scan.textContent = t("verify.stopScan");
    let opened: MediaStream;
    try {
      opened = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (error) {
      stopCamera();
      say(h("p", { class: "problem" }, t("verify.noCamera", { why: (error as Error).message })));
      return;
    }
    // Stopped (or the view left) while the browser was opening the camera: close it again at once.
    if (!scanning) {
      for (const track of opened.getTracks()) track.stop();
      return;
    }
    stream = opened;
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    const frame = () => {
      if (!scanning || !context) return;
      if (video.videoWidth > 0) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
        const found = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "dontInvert" });
        if (found?.data) {
          stopCamera();
          input.value = found.data;
          void verify(found.data);
          return;
        }
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  const form = h(
    "form",
    {
      class: "stack",
      onsubmit: (event: Event) => {
        event.preventDefault();
        void verify(input.value);
      },
    },
    h("label", { for: "presented" }, t("verify.paste")),
    input,
    h("div", { class: "row" }, h("label", { for: "presented-file", class: "file" }, t("verify.file")), file),
    h("div", { class: "row" }, h("button", { type: "submit", id: "check" }, t("verify.check")), scan),
    video,
  );
  file.addEventListener("change", () => {
    const chosen = file.files?.[0];
    if (chosen) void readFile(chosen);
  });
  input.addEventListener("dragover", (event) => event.preventDefault());
  input.addEventListener("drop", (event) => {
    const dropped = event.dataTransfer?.files[0];
    if (!dropped) return;
    event.preventDefault();
    void readFile(dropped);
  });
  scan.addEventListener("click", () => (scanning ? stopCamera() : void startCamera()));

  append(main, h("h2", {}, t("verify.title")), h("p", {}, t("verify.intro")), form, result);
  return stopCamera;
}
