// Prometheus metrics in the text exposition format: counters and histograms, labelled, no dependencies.
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;
const labelText = (labels: Labels) => {
  const entries = Object.entries(labels);
  return entries.length === 0 ? "" : `{${entries.map(([k, v]) => `${k}="${v.replaceAll('"', '\\"')}"`).join(",")}}`;
};

export class Metrics {
  #counters = new Map<string, { help: string; values: Map<string, { labels: Labels; value: number }> }>();
  #histograms = new Map<
    string,
    { help: string; values: Map<string, { labels: Labels; counts: number[]; sum: number; n: number }> }
  >();
  #gauges = new Map<string, { help: string; read: () => number }>();

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const c = this.#counters.get(name) ?? { help, values: new Map() };
    this.#counters.set(name, c);
    const key = labelText(labels);
    c.values.set(key, { labels, value: (c.values.get(key)?.value ?? 0) + by });
  }

  /** A counter's values by one label's value (a series without that label under ""); {} before it is first counted. */
  counter(name: string, label: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { labels, value } of this.#counters.get(name)?.values.values() ?? []) {
      const key = labels[label] ?? "";
      out[key] = (out[key] ?? 0) + value;
    }
    return out;
  }

  observe(name: string, help: string, seconds: number, labels: Labels = {}): void {
    const h = this.#histograms.get(name) ?? { help, values: new Map() };
    this.#histograms.set(name, h);
    const key = labelText(labels);
    const v = h.values.get(key) ?? { labels, counts: BUCKETS.map(() => 0), sum: 0, n: 0 };
    h.values.set(key, v);
    for (const [i, bound] of BUCKETS.entries()) if (seconds <= bound) v.counts[i] = (v.counts[i] ?? 0) + 1;
    v.sum += seconds;
    v.n++;
  }

  gauge(name: string, help: string, read: () => number): void {
    this.#gauges.set(name, { help, read });
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, c] of this.#counters) {
      lines.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
      for (const [labels, { value }] of c.values) lines.push(`${name}${labels} ${value}`);
    }
    for (const [name, h] of this.#histograms) {
      lines.push(`# HELP ${name} ${h.help}`, `# TYPE ${name} histogram`);
      for (const v of h.values.values()) {
        for (const [i, bound] of BUCKETS.entries()) {
          lines.push(`${name}_bucket${labelText({ ...v.labels, le: String(bound) })} ${v.counts[i]}`);
        }
        lines.push(`${name}_bucket${labelText({ ...v.labels, le: "+Inf" })} ${v.n}`);
        lines.push(`${name}_sum${labelText(v.labels)} ${v.sum}`, `${name}_count${labelText(v.labels)} ${v.n}`);
      }
    }
    for (const [name, g] of this.#gauges) {
      lines.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
