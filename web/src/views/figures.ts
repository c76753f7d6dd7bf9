// The district's figures, from the gateway's public route: totals, a chart by day and a chart of records shared per
// type (ECharts, drawn as SVG), each chart also given as a table and described for a screen reader.
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { call, publicBase } from "../api.ts";
import { catalogue, lookups } from "../catalogueData.ts";
import { append, h, scrolling } from "../dom.ts";
import { type Key, nameOf, t } from "../i18n.ts";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

interface DayFigures {
  applications: number;
  materialsWaived: number;
  materialsCommitted: number;
  commitments: number;
  daysSaved: number;
  shared: number;
  disclosed: number;
  refused: number;
  verifications: number;
}
interface Figures {
  departments: string[];
  totals: DayFigures & Record<string, number>;
  byDay: Record<string, DayFigures>;
  sharedByType: Record<string, number>;
  verificationsSinceStart: Record<string, number>;
}

const DAY_SERIES = ["applications", "materialsWaived", "commitments", "shared", "refused", "verifications"] as const;

/** A chart, its description for a screen reader, the series it draws (for whoever checks it), and its table. */
function chartBlock(
  id: string,
  title: string,
  columns: string[],
  rows: [string, ...number[]][],
  draw: (el: HTMLElement) => echarts.ECharts,
) {
  const summary = rows.map(([label, ...values]) => `${label} ${values.join("/")}`).join("; ");
  const chart = h("div", {
    class: "chart",
    id,
    role: "img",
    "aria-label": t("figures.chartSummary", { title, summary: summary || t("figures.noData") }),
    "data-series": JSON.stringify(rows),
  });
  const table = h(
    "table",
    {},
    h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      ...rows.map(([label, ...values]) =>
        h("tr", {}, h("th", { scope: "row" }, label), ...values.map((v) => h("td", {}, String(v)))),
      ),
    ),
  );
  const block = h(
    "figure",
    { class: "chart-block" },
    h("figcaption", {}, title),
    chart,
    h("details", {}, h("summary", {}, t("figures.asTable")), scrolling(table, title)),
  );
  return { block, chart, draw: () => draw(chart) };
}

export async function renderFigures(main: HTMLElement): Promise<() => void> {
  append(main, h("h2", {}, t("figures.title")), h("p", {}, t("figures.intro")));
  const [figures, c] = await Promise.all([call<Figures>(`${await publicBase()}/figures`), catalogue()]);
  const names = lookups(c);
  const verifications = Object.values(figures.verificationsSinceStart).reduce((a, b) => a + b, 0);
  const over = (key: "shared" | "refused") => Object.values(figures.byDay).reduce((n, day) => n + day[key], 0);
  const totals: [Key, number][] = [
    ["figures.applications", figures.totals.applications],
    ["figures.materialsWaived", figures.totals.materialsWaived],
    ["figures.materialsCommitted", figures.totals.materialsCommitted],
    ["figures.commitments", figures.totals.commitments],
    ["figures.daysSaved", figures.totals.daysSaved],
    ["figures.shared", over("shared")],
    ["figures.refused", over("refused")],
    ["figures.verifications", verifications],
  ];
  append(
    main,
    h(
      "dl",
      { class: "totals", id: "figures-totals" },
      ...totals.flatMap(([key, value]) => [
        h("dt", {}, t(key)),
        h("dd", { "data-figure": key.slice(8) }, String(value)),
      ]),
    ),
  );

  const days = Object.keys(figures.byDay).sort();
  const seriesNames = DAY_SERIES.map((s) => t(`figures.${s}` as Key));
  const byDay = chartBlock(
    "chart-by-day",
    t("figures.overTime"),
    [t("figures.day"), ...seriesNames],
    days.map((day) => [day, ...DAY_SERIES.map((s) => figures.byDay[day]?.[s] ?? 0)]),
    (el) => {
      const chart = echarts.init(el, undefined, { renderer: "svg" });
      chart.setOption({
        animation: false,
        // Drawn in the chart itself: ECharts' HTML tooltip sets inline styles, which the page's policy refuses.
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 56, bottom: 32 },
        xAxis: { type: "category", data: days },
        yAxis: { type: "value", minInterval: 1 },
        series: DAY_SERIES.map((s, i) => ({
          name: seriesNames[i],
          type: "bar",
          data: days.map((day) => figures.byDay[day]?.[s] ?? 0),
        })),
      });
      return chart;
    },
  );
  const types = Object.entries(figures.sharedByType).sort(([, a], [, b]) => b - a);
  const typeNames = types.map(([code]) => nameOf(names.type(code)));
  const byType = chartBlock(
    "chart-by-type",
    t("figures.byType"),
    [t("catalogue.name"), t("figures.count")],
    types.map(([, count], i) => [typeNames[i] as string, count]),
    (el) => {
      const chart = echarts.init(el, undefined, { renderer: "svg" });
      chart.setOption({
        animation: false,
        // Drawn in the chart itself: ECharts' HTML tooltip sets inline styles, which the page's policy refuses.
        tooltip: { trigger: "axis", renderMode: "richText" },
        grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: typeNames, inverse: true },
        series: [{ name: t("figures.shared"), type: "bar", data: types.map(([, count]) => count) }],
      });
      return chart;
    },
  );
  append(main, byDay.block, byType.block);
  const charts = [byDay.draw(), byType.draw()];
  const resize = () => {
    for (const chart of charts) chart.resize();
  };
  window.addEventListener("resize", resize);
  return () => {
    window.removeEventListener("resize", resize);
    for (const chart of charts) chart.dispose();
  };
}
